import { registerAs } from '@nestjs/config';
import { IsOptional, IsUrl } from 'class-validator';
import { FEEDBACK_RULES } from '../feedback/feedback.rules';
import { OptionalInt, validateEnv } from './validate-env';

const E = FEEDBACK_RULES.env;

class FeedbackEnv {
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  FEEDBACK_WEBHOOK_URL?: string;

  @OptionalInt(E.maxPerIpPerHour)
  FEEDBACK_MAX_PER_IP_PER_HOUR?: number;

  @OptionalInt(E.webhookMaxAttempts)
  FEEDBACK_WEBHOOK_MAX_ATTEMPTS?: number;

  @OptionalInt(E.webhookRetryMs)
  FEEDBACK_WEBHOOK_RETRY_MS?: number;
}

export interface FeedbackConfig {
  /** Called (POST, JSON) for each bug report; unset: no call. */
  webhookUrl: string | null;
  maxPerIpPerHour: number;
  /** Delivery attempts per bug report before it is marked failed. */
  webhookMaxAttempts: number;
  /** First retry delay; doubled after each failed attempt. */
  webhookRetryMs: number;
}

export const feedbackConfig = registerAs('feedback', (): FeedbackConfig => {
  const v = validateEnv(FeedbackEnv);
  return {
    webhookUrl: v.FEEDBACK_WEBHOOK_URL ?? null,
    maxPerIpPerHour: v.FEEDBACK_MAX_PER_IP_PER_HOUR ?? E.maxPerIpPerHour.default,
    webhookMaxAttempts: v.FEEDBACK_WEBHOOK_MAX_ATTEMPTS ?? E.webhookMaxAttempts.default,
    webhookRetryMs: v.FEEDBACK_WEBHOOK_RETRY_MS ?? E.webhookRetryMs.default,
  };
});
