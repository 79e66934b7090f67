import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { BackgroundTimers, postWebhook } from '../common/http/webhook';
import { chatConfig } from '../config';

/** Why a conversation now waits for staff. */
export type SupportOpenReason = 'handoff' | 'doubtful-analysis' | 'provider-failure';

export interface SupportOpenEvent {
  sessionId: string;
  reason: SupportOpenReason;
  title: string | null;
  /** Set for `doubtful-analysis`. */
  devisId?: string;
  analysisId?: string;
}

/**
 * Tells staff (SUPPORT_WEBHOOK_URL, POST JSON `{event: 'support.session.open', …}`) that a
 * conversation waits for them. Called after the change is committed and answered: the
 * request never waits for it. A failed call (non-2xx, timeout, unreachable) is retried with
 * doubling delays up to SUPPORT_WEBHOOK_MAX_ATTEMPTS, in this process: a notification still
 * being retried when the process stops is not sent (the conversation itself is stored and
 * listed as open in the back-office). The URL may hold a token: it is never logged.
 */
@Injectable()
export class SupportWebhook implements OnApplicationShutdown {
  private readonly logger = new Logger(SupportWebhook.name);
  private readonly timers = new BackgroundTimers();

  constructor(@Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>) {}

  /** Queues the first attempt; returns at once. */
  notify(event: SupportOpenEvent): void {
    if (this.config.supportWebhookUrl === null) return;
    this.later(event, 1, 0);
  }

  private later(event: SupportOpenEvent, attempt: number, delayMs: number): void {
    this.timers.later(delayMs, () => void this.attempt(event, attempt));
  }

  private async attempt(event: SupportOpenEvent, attempt: number): Promise<void> {
    const failure = await this.post(event);
    if (!failure) return;
    const max = this.config.supportWebhookMaxAttempts;
    if (attempt >= max) {
      this.logger.error(
        `Support session ${event.sessionId}: webhook ${failure}; gave up after ${attempt} attempts`,
      );
      return;
    }
    const delay = this.config.supportWebhookRetryMs * 2 ** (attempt - 1);
    this.logger.warn(
      `Support session ${event.sessionId}: webhook ${failure} (attempt ${attempt}/${max}), retrying in ${delay} ms`,
    );
    this.later(event, attempt + 1, delay);
  }

  /** null when the receiver took it (2xx), else why not. */
  private post(event: SupportOpenEvent): Promise<string | null> {
    return postWebhook(this.config.supportWebhookUrl as string, 'Passerelle-Support/1', {
      event: 'support.session.open',
      session: {
        id: event.sessionId,
        reason: event.reason,
        title: event.title,
        devisId: event.devisId ?? null,
        analysisId: event.analysisId ?? null,
      },
      at: new Date().toISOString(),
    });
  }

  onApplicationShutdown(): void {
    this.timers.stop();
  }
}
