import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { optionalPlainText, textLength, toPlainText } from '../common/plain-text';
import { DomainException } from '../common/errors/domain.exception';
import { RateLimitStorage } from '../common/rate-limit/rate-limit.storage';
import { isUuid } from '../common/text';
import { feedbackConfig } from '../config';
import {
  CreateFeedbackDto,
  FeedbackListDto,
  FeedbackReceiptDto,
  FeedbackResponseDto,
  ListFeedbackQueryDto,
  MAX_FEEDBACK_LENGTH,
} from './dto/feedback.dto';
import type { FeedbackEntity, FeedbackStatus } from './entities/feedback.entity';
import { FeedbackWebhook } from './feedback-webhook';
import { FeedbackRepository } from './feedback.repository';

const HOUR_MS = 3_600_000;

@Injectable()
export class FeedbackService {
  constructor(
    private readonly repo: FeedbackRepository,
    private readonly webhook: FeedbackWebhook,
    private readonly limits: RateLimitStorage,
    @Inject(feedbackConfig.KEY) private readonly config: ConfigType<typeof feedbackConfig>,
  ) {}

  /** Stores a visitor's feedback (text cleaned of markup); bug reports go to the webhook. */
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
    const message = toPlainText(dto.message);
    const problems: { field: string; messages: string[] }[] = [];
    if (message === '')
      problems.push({ field: 'message', messages: ['message is empty once markup is removed'] });
    else if (textLength(message) > MAX_FEEDBACK_LENGTH) {
      problems.push({
        field: 'message',
        messages: [`message must be at most ${MAX_FEEDBACK_LENGTH} characters`],
      });
    }
    if (problems.length > 0) {
      throw new DomainException('VALIDATION_FAILED', 'Invalid feedback', { details: problems });
    }
    const page = optionalPlainText(dto.page);
    const toWebhook = dto.type === 'bug' && this.webhook.enabled;
    const saved = await this.repo.insert({
      type: dto.type,
      message,
      email: dto.email?.trim().toLowerCase() ?? null,
      page,
      rating: dto.rating ?? null,
      userId,
      webhookStatus: toWebhook ? 'pending' : 'none',
    });
    if (toWebhook) this.webhook.schedule(saved.id);
    return { id: saved.id, status: saved.status, createdAt: saved.createdAt } as FeedbackReceiptDto;
  }

  async list(q: ListFeedbackQueryDto): Promise<FeedbackListDto> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const [rows, total] = await this.repo.list(
      { status: q.status, type: q.type },
      (page - 1) * pageSize,
      pageSize,
    );
    return { items: rows.map(FeedbackResponseDto.from), total, page, pageSize };
  }

  async get(id: string): Promise<FeedbackEntity> {
    const row = isUuid(id) ? await this.repo.findById(id) : null;
    if (!row) throw DomainException.notFound('Feedback');
    return row;
  }

  async setStatus(id: string, status: FeedbackStatus): Promise<FeedbackEntity> {
    const row = await this.get(id);
    await this.repo.setStatus(row.id, status);
    return this.get(row.id);
  }
}
