import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChatSettingsEntity } from './entities/chat-settings.entity';

/** The only place that queries `chat_settings`: one row (id 1), seeded by a migration. */
@Injectable()
export class ChatSettingsRepository {
  constructor(private readonly db: DataSource) {}

  findCurrent(): Promise<ChatSettingsEntity> {
    return this.db.getRepository(ChatSettingsEntity).findOneByOrFail({ id: 1 });
  }

  async update(patch: Partial<ChatSettingsEntity>): Promise<void> {
    await this.db.getRepository(ChatSettingsEntity).update({ id: 1 }, patch);
  }
}
