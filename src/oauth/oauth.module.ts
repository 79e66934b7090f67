import { Module } from '@nestjs/common';
import { ASSISTANT_GUARD } from '../common/auth/access.guard';
import { AuthModule } from '../auth/auth.module';
import { GptKeysModule } from '../gpt-keys/gpt-keys.module';
import { UsersModule } from '../users/users.module';
import { AssistantAuthGuard } from './assistant-auth.guard';
import { OAuthGrantsController } from './oauth-grants.controller';
import { OAuthGrantsService } from './oauth-grants.service';
import { OAuthInteractionController } from './oauth-interaction.controller';
import { OAuthMetadataController } from './oauth-metadata.controller';
import { OAuthModelsRepository } from './oauth-models.repository';
import { OAuthServer } from './oauth-server';

/** The OAuth 2.1 authorization server and the `assistant` auth policy (GPT key or OAuth token). */
@Module({
  imports: [UsersModule, AuthModule, GptKeysModule],
  controllers: [OAuthMetadataController, OAuthInteractionController, OAuthGrantsController],
  providers: [
    OAuthServer,
    OAuthModelsRepository,
    OAuthGrantsService,
    AssistantAuthGuard,
    { provide: ASSISTANT_GUARD, useExisting: AssistantAuthGuard },
  ],
  exports: [OAuthServer, OAuthGrantsService, AssistantAuthGuard],
})
export class OAuthModule {}
