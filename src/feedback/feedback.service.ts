import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DomainException } from '../common/errors/domain.exception';
import { RateLimitStorage } from '../common/rate-limit/rate-limit.storage';
import { feedbackConfig } from '../config';
import {
  CreateFeedbackDto,
  FeedbackListDto,
  FeedbackReceiptDto,
  FeedbackResponseDto,
  ListFeedbackQueryDto,
} from './dto/feedback.dto';
import type { FeedbackEntity, FeedbackStatus } from './entities/feedback.entity';
import { FeedbackWebhook } from './feedback-webhook';
import { FeedbackRepository } from './feedback.repository';
import { FEEDBACK_RULES } from './feedback.rules';

const HOUR_MS = 3_600_000;

@Injectable()
export class FeedbackService {
  constructor(
    private readonly repo: FeedbackRepository,
    private readonly webhook: FeedbackWebhook,
    private readonly limits: RateLimitStorage,
    @Inject(feedbackConfig.KEY) private readonly config: ConfigType<typeof feedbackConfig>,
  ) {}

  /**
   * Stores a visitor's feedback (its text already cleaned and checked by CreateFeedbackDto);
   * bug reports go to the webhook.
   */
  async submit(dto: CreateFeedbackDto, ip: string, userId: string | null = null) {
    const window = await this.limits.consume(
      `feedback-ip:${ip}`,
      this.config.maxPerIpPerHour,
      HOUR_MS,
    );
    if (!window.allowed) {
      throw DomainException.rateLimited(
        `Too much feedback from this address; retry in ${window.resetSeconds} s`,
        String(window.resetSeconds),
      );
    }
    const toWebhook = dto.type === 'bug' && this.webhook.enabled;
    const saved = await this.repo.insert({
      type: dto.type,
      message: dto.message,
      email: dto.email?.trim().toLowerCase() ?? null,
      page: dto.page || null, // absent, null, or nothing left once cleaned
      rating: dto.rating ?? null,
      userId,
      webhookStatus: toWebhook ? 'pending' : 'none',
    });
    if (toWebhook) this.webhook.schedule(saved.id);
    return { id: saved.id, status: saved.status, createdAt: saved.createdAt } as FeedbackReceiptDto;
  }

  async list(q: ListFeedbackQueryDto): Promise<FeedbackListDto> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? FEEDBACK_RULES.list.pageSize.default;
    const [rows, total] = await this.repo.list(
      { status: q.status, type: q.type },
      (page - 1) * pageSize,
      pageSize,
    );
    return { items: rows.map(FeedbackResponseDto.from), total, page, pageSize };
  }

  /** `id` is a UUID (`@UuidParam`); unknown: 404. */
  async get(id: string): Promise<FeedbackEntity> {
    const row = await this.repo.findById(id);
    if (!row) throw DomainException.notFound('Feedback');
    return row;
  }

  async setStatus(id: string, status: FeedbackStatus): Promise<FeedbackEntity> {
    const row = await this.get(id);
    await this.repo.setStatus(row.id, status);
    return this.get(row.id);
  }
}
