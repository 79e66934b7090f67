import { BaseEntity, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../../database/kit/transformers';

export const LLM_CALL_STATUSES = ['success', 'error', 'rate_limited'] as const;
export type LlmCallStatus = (typeof LLM_CALL_STATUSES)[number];

/** One provider call: tokens, cost (micro-dollars, so a 175-token call is not 0), outcome. */
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

  @Column({ type: 'bigint', default: 0, transformer: bigintToNumber })
  costMicroUsd: number;

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

  /** Mock calls never count as spend. */
  @Column({ type: 'boolean', default: false })
  isMock: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
