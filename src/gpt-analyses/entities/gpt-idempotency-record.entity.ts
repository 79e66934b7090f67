import { BaseEntity, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The first response to a GPT POST with an Idempotency-Key, replayed on retries (24 h). */
@Entity('gpt_idempotency_records')
export class GptIdempotencyRecordEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Whose retries it protects: a GPT key, or a person signed in with OAuth (one of the two). */
  @Column({ type: 'uuid', nullable: true })
  apiKeyId: string | null;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 255 })
  idempotencyKey: string;

  /** SHA-256 of the canonical JSON body: a retry with another body is refused (422). */
  @Column({ type: 'char', length: 64 })
  requestHash: string;

  @Column({ type: 'smallint' })
  responseStatus: number;

  @Column({ type: 'jsonb' })
  responseBody: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
