import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  LlmConversationEntity,
  LlmConversationMessageEntity,
} from '../entities/llm-conversation.entity';
import type { ChatTurn } from '../providers/llm-client';
import { pgPool } from '../../database/kit/pg-pool';

@Injectable()
export class LlmConversationsRepository {
  constructor(
    @InjectRepository(LlmConversationEntity)
    private readonly conversations: Repository<LlmConversationEntity>,
  ) {}

  findOwned(id: string, userId: string): Promise<LlmConversationEntity | null> {
    return this.conversations.findOneBy({ id, userId });
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
   * Stores one exchange, creating the conversation when `conversationId` is null. One
   * statement (atomic without a transaction, one round trip): it runs before the answer is sent.
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
    const [conversation, params]: [string, unknown[]] = input.conversationId
      ? [
          `UPDATE llm_conversations SET model = $1, updated_at = now() WHERE id = $2 RETURNING id`,
          [model, input.conversationId],
        ]
      : [
          `INSERT INTO llm_conversations (model, user_id, provider) VALUES ($1, $2, $3) RETURNING id`,
          [model, input.userId, input.provider],
        ];
    const n = params.length;
    // Distinct timestamps keep the order of the two rows unambiguous.
    const now = Date.now();
    // On the pg pool directly (no query runner): this runs on every proxied call.
    const { rows } = await pgPool(this.conversations.manager).query<{ id: string }>(
      `WITH c AS (${conversation})
       INSERT INTO llm_conversation_messages (conversation_id, role, content, created_at)
       SELECT c.id, m.role, m.content, m.created_at
         FROM c, (VALUES ('user', $${n + 1}::text, $${n + 3}::timestamptz),
                         ('assistant', $${n + 2}::text, $${n + 4}::timestamptz)) AS m (role, content, created_at)
       RETURNING conversation_id AS id`,
      [...params, input.question, input.answer, new Date(now), new Date(now + 1)],
    );
    return rows[0]?.id ?? input.conversationId!;
  }
}
