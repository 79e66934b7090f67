import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { BackgroundTimers, postWebhook } from '../common/http/webhook';
import { feedbackConfig } from '../config';
import type { FeedbackEntity } from './entities/feedback.entity';
import { FeedbackRepository } from './feedback.repository';

/**
 * Sends bug reports to FEEDBACK_WEBHOOK_URL (POST, JSON) after the request that stored them
 * has been answered. A failed call is retried with doubling delays up to
 * FEEDBACK_WEBHOOK_MAX_ATTEMPTS; the state lives in the row (`webhook_status`,
 * `webhook_attempts`), so reports still pending at a restart are sent after it. Delivery is
 * at least once. The URL may hold a token: it is never logged.
 */
@Injectable()
export class FeedbackWebhook implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedbackWebhook.name);
  private readonly timers = new BackgroundTimers();

  constructor(
    private readonly repo: FeedbackRepository,
    @Inject(feedbackConfig.KEY) private readonly config: ConfigType<typeof feedbackConfig>,
  ) {}

  get enabled(): boolean {
    return this.config.webhookUrl !== null;
  }

  /** Queues a first attempt for a stored report; returns at once. */
  schedule(id: string, attemptsSoFar = 0, delayMs = 0): void {
    if (!this.enabled) return;
    this.timers.later(delayMs, () => void this.attempt(id, attemptsSoFar));
  }

  private async attempt(id: string, seenAttempts: number): Promise<void> {
    try {
      const report = await this.repo.claimAttempt(id, seenAttempts);
      if (!report) return; // delivered, given up, or taken by another instance
      const attempt = report.webhookAttempts;
      const failure = await this.post(report);
      if (!failure) {
        await this.repo.setWebhookStatus(id, 'delivered');
        return;
      }
      if (attempt >= this.config.webhookMaxAttempts) {
        await this.repo.setWebhookStatus(id, 'failed');
        this.logger.error(`Feedback ${id}: webhook ${failure}; gave up after ${attempt} attempts`);
        return;
      }
      const delay = this.config.webhookRetryMs * 2 ** (attempt - 1);
      this.logger.warn(
        `Feedback ${id}: webhook ${failure} (attempt ${attempt}/${this.config.webhookMaxAttempts}), retrying in ${delay} ms`,
      );
      this.schedule(id, attempt, delay);
    } catch (err) {
      // The database is unreachable: the row stays pending and the next sweep sends it.
      this.logger.warn(`Feedback ${id}: webhook not attempted (${(err as Error).message})`);
    }
  }

  /** null when the receiver took it (2xx), else why not. */
  private post(report: FeedbackEntity): Promise<string | null> {
    return postWebhook(this.config.webhookUrl as string, 'Passerelle-Feedback/1', {
      event: 'feedback.bug',
      feedback: {
        id: report.id,
        type: report.type,
        message: report.message,
        email: report.email,
        page: report.page,
        rating: report.rating,
        createdAt: report.createdAt,
      },
    });
  }

  /** Picks up reports left pending by a restart. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    try {
      for (const row of await this.repo.pendingWebhooks(500)) {
        this.schedule(row.id, row.webhookAttempts);
      }
    } catch (err) {
      this.logger.warn(`Pending feedback webhooks not resumed: ${(err as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.timers.stop();
  }
}
