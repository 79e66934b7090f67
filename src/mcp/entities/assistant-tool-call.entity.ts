import { BaseEntity, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const TOOL_CALL_OUTCOMES = ['success', 'error'] as const;
export type ToolCallOutcome = (typeof TOOL_CALL_OUTCOMES)[number];

/** One assistant tool call, as the back-office lists it. Rows are written by ToolCallRecorder. */
@Entity('assistant_tool_calls')
export class AssistantToolCallEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'timestamptz' })
  calledAt: Date;

  @Column({ type: 'varchar', length: 64 })
  tool: string;

  @Column({ type: 'uuid', nullable: true })
  gptKeyId: string | null;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  /** The OAuth client the user signed in through. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  clientId: string | null;

  @Column({ type: 'varchar', length: 10 })
  outcome: ToolCallOutcome;

  @Column({ type: 'varchar', length: 40, nullable: true })
  errorCode: string | null;

  @Column({ type: 'integer' })
  durationMs: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;
}
