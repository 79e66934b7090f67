import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GPT_KEY_GUARD } from '../common/auth/access.guard';
import { GptApiKeyEntity } from './entities/gpt-api-key.entity';
import { GptKeyGuard } from './gpt-key.guard';
import { GptKeyCache } from './gpt-key-cache';
import { GptKeyUsageRecorder } from './gpt-key-usage.recorder';
import { GptKeysAdminController } from './gpt-keys-admin.controller';
import { GptKeysRepository } from './gpt-keys.repository';
import { GptKeysService } from './gpt-keys.service';
import { GptMeController } from './gpt-me.controller';

/** Key lifecycle (service, used by the CLI too) without HTTP parts. */
@Module({
  imports: [TypeOrmModule.forFeature([GptApiKeyEntity])],
  providers: [GptKeysService, GptKeysRepository, GptKeyCache, GptKeyUsageRecorder],
  exports: [GptKeysService, GptKeyUsageRecorder],
})
export class GptKeysCoreModule {}

@Module({
  imports: [GptKeysCoreModule],
  controllers: [GptKeysAdminController, GptMeController],
  providers: [
    // The global AccessGuard hands GPT-key routes to this guard (auth, hourly limit, usage).
    GptKeyGuard,
    { provide: GPT_KEY_GUARD, useExisting: GptKeyGuard },
  ],
  exports: [GptKeysCoreModule, GptKeyGuard],
})
export class GptKeysModule {}
