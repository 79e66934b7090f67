import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class FeedbackEnv {
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  FEEDBACK_WEBHOOK_URL?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  FEEDBACK_MAX_PER_IP_PER_HOUR?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  FEEDBACK_WEBHOOK_MAX_ATTEMPTS?: number;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(600_000)
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
    maxPerIpPerHour: v.FEEDBACK_MAX_PER_IP_PER_HOUR ?? 20,
    webhookMaxAttempts: v.FEEDBACK_WEBHOOK_MAX_ATTEMPTS ?? 5,
    webhookRetryMs: v.FEEDBACK_WEBHOOK_RETRY_MS ?? 2_000,
  };
});
