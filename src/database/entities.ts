import { UserSessionEntity } from '../auth/entities/user-session.entity';
import { GptApiKeyEntity } from '../gpt-keys/entities/gpt-api-key.entity';
import { UserEntity } from '../users/entities/user.entity';

/** Every entity, listed explicitly (no globs: the same list works from src and dist). */
export const entities = [UserEntity, UserSessionEntity, GptApiKeyEntity];
