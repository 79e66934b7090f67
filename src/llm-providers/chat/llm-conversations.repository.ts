import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  LlmConversationEntity,
  LlmConversationMessageEntity,
} from '../entities/llm-conversation.entity';
import type { ChatTurn } from '../providers/llm-client';
import { DomainException } from '../../common/errors/domain.exception';
import { pgPool } from '../../database/kit/pg-pool';

@Injectable()
export class LlmConversationsRepository {
  constructor(
    @InjectRepository(LlmConversationEntity)
    private readonly conversations: Repository<LlmConversationEntity>,
  ) {}

  findById(id: string): Promise<LlmConversationEntity | null> {
    return this.conversations.findOneBy({ id });
  }

  /** The last `limit` user/assistant turns, oldest first. */
  async lastTurns(conversationId: string, limit: number): Promise<ChatTurn[]> {
    const rows = await this.conversations.manager
      .getRepository(LlmConversationMessageEntity)
      .createQueryBuilder('m')
      .where('m.conversationId = :conversationId', { conversationId })
      .andWhere(`m.role IN ('user', 'assistant')`)
      .orderBy('m.createdAt', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit)
      .getMany();
    return rows.reverse().map((m) => ({ role: m.role as ChatTurn['role'], content: m.content }));
  }

  /**
   * Stores one exchange. `conversationId` null: a new conversation; an id: that conversation
   * of the user's, created with that id when nobody has it yet (a client's own tracking id).
   * One statement (atomic without a transaction, one round trip): it runs before the answer
   * is sent. An id that turned out to be someone else's stores nothing: 404.
   */
  async appendExchange(input: {
    conversationId: string | null;
    userId: string;
    provider: string;
    model: string;
    question: string;
    answer: string;
  }): Promise<string> {
    const model = input.model.slice(0, 100);
    // Distinct timestamps keep the order of the two rows unambiguous.
    const now = Date.now();
    // On the pg pool directly (no query runner): this runs on every proxied call.
    const { rows } = await pgPool(this.conversations.manager).query<{ id: string }>(
      `WITH c AS (
         INSERT INTO llm_conversations (id, model, user_id, provider)
         VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET model = EXCLUDED.model, updated_at = now()
           WHERE llm_conversations.user_id = EXCLUDED.user_id
         RETURNING id)
       INSERT INTO llm_conversation_messages (conversation_id, role, content, created_at)
       SELECT c.id, m.role, m.content, m.created_at
         FROM c, (VALUES ('user', $5::text, $7::timestamptz),
                         ('assistant', $6::text, $8::timestamptz)) AS m (role, content, created_at)
       RETURNING conversation_id AS id`,
      [
        input.conversationId,
        model,
        input.userId,
        input.provider,
        input.question,
        input.answer,
        new Date(now),
        new Date(now + 1),
      ],
    );
    if (!rows[0]) throw DomainException.notFound('Conversation');
    return rows[0].id;
  }
}
