import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  FeedbackEntity,
  type FeedbackStatus,
  type FeedbackType,
  type FeedbackWebhookStatus,
} from './entities/feedback.entity';

/** The only place that queries `feedback`. */
@Injectable()
export class FeedbackRepository {
  constructor(
    @InjectRepository(FeedbackEntity) private readonly repo: Repository<FeedbackEntity>,
  ) {}

  insert(row: Partial<FeedbackEntity>): Promise<FeedbackEntity> {
    return this.repo.save(this.repo.create(row));
  }

  findById(id: string): Promise<FeedbackEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  list(filter: { status?: FeedbackStatus; type?: FeedbackType }, offset: number, limit: number) {
    return this.repo.findAndCount({
      where: {
        ...(filter.status && { status: filter.status }),
        ...(filter.type && { type: filter.type }),
      },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  async setStatus(id: string, status: FeedbackStatus): Promise<void> {
    await this.repo.update({ id }, { status });
  }

  /** Bug reports still waiting for the webhook (id and attempts so far), oldest first. */
  pendingWebhooks(limit: number): Promise<Pick<FeedbackEntity, 'id' | 'webhookAttempts'>[]> {
    return this.repo.find({
      select: { id: true, webhookAttempts: true },
      where: { webhookStatus: 'pending' },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Takes the next delivery attempt of a pending report: counts it, and answers the row only
   * if nobody else took it meanwhile (several instances may sweep the same rows).
   */
  async claimAttempt(id: string, seenAttempts: number): Promise<FeedbackEntity | null> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ webhookAttempts: () => 'webhook_attempts + 1' })
      .where('id = :id AND webhook_status = :pending AND webhook_attempts = :seen', {
        id,
        pending: 'pending',
        seen: seenAttempts,
      })
      .returning('*')
      .execute();
    const raw = (result.raw as Record<string, unknown>[])[0];
    return raw ? this.findById(id) : null;
  }

  async setWebhookStatus(id: string, webhookStatus: FeedbackWebhookStatus): Promise<void> {
    await this.repo.update({ id }, { webhookStatus });
  }
}
