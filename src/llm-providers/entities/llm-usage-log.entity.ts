import { BaseEntity, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../../database/kit/transformers';

export const LLM_CALL_STATUSES = ['success', 'error', 'rate_limited'] as const;
export type LlmCallStatus = (typeof LLM_CALL_STATUSES)[number];

/**
 * One provider call (one attempt of a gateway call): tokens, cost (micro-dollars, so a
 * 175-token call is not 0), outcome. A NULL cost on a non-mock row is the "unpriced" flag: the
 * model's price was unknown (never logged as $0); `npm run llm:reprice` fills it in later.
 */
@Entity('llm_usage_logs')
export class LlmUsageLogEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'uuid', nullable: true })
  keyId: string | null;

  /** A provider, or `mock`. */
  @Column({ type: 'varchar', length: 16 })
  provider: string;

  @Column({ type: 'varchar', length: 100 })
  model: string;

  @Column({ type: 'integer', default: 0 })
  promptTokens: number;

  @Column({ type: 'integer', default: 0 })
  completionTokens: number;

  @Column({ type: 'integer', default: 0 })
  totalTokens: number;

  /** Null: the price was unknown (see llm-pricing.ts); mock calls cost 0. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  costMicroUsd: number | null;

  @Column({ type: 'integer' })
  latencyMs: number;

  /** Time to first token, for streams. */
  @Column({ type: 'integer', nullable: true })
  ttftMs: number | null;

  @Column({ type: 'varchar', length: 16 })
  status: LlmCallStatus;

  @Column({ type: 'varchar', length: 40, nullable: true })
  errorCode: string | null;

  @Column({ type: 'uuid', nullable: true })
  conversationId: string | null;

  @Column({ type: 'boolean', default: false })
  streamed: boolean;

  /** One LLM gateway call: its attempts (first target, then fallbacks) share this id. */
  @Column({ type: 'uuid', nullable: true })
  requestId: string | null;

  /** 1: the first target; 2: the first fallback; … */
  @Column({ type: 'smallint', default: 1 })
  attempt: number;

  /** Mock calls never count as spend. */
  @Column({ type: 'boolean', default: false })
  isMock: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
