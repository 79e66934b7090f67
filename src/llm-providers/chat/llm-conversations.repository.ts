import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  LlmConversationEntity,
  LlmConversationMessageEntity,
} from '../entities/llm-conversation.entity';
import type { ChatTurn } from '../providers/llm-client';

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

  /** Stores one exchange, creating the conversation when `conversationId` is null. */
  appendExchange(input: {
    conversationId: string | null;
    userId: string;
    provider: string;
    model: string;
    question: string;
    answer: string;
  }): Promise<string> {
    return this.conversations.manager.transaction(async (m) => {
      let id = input.conversationId;
      if (id) {
        await m.getRepository(LlmConversationEntity).update({ id }, { model: input.model });
      } else {
        const created = await m.getRepository(LlmConversationEntity).insert({
          userId: input.userId,
          provider: input.provider,
          model: input.model.slice(0, 100),
        });
        id = (created.identifiers[0] as { id: string }).id;
      }
      // Distinct timestamps keep the order of the two rows unambiguous.
      const now = Date.now();
      await m.getRepository(LlmConversationMessageEntity).insert([
        { conversationId: id, role: 'user', content: input.question, createdAt: new Date(now) },
        {
          conversationId: id,
          role: 'assistant',
          content: input.answer,
          createdAt: new Date(now + 1),
        },
      ]);
      return id;
    });
  }
}
