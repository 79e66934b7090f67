import { BaseEntity, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../../database/kit/transformers';
import { UserEntity } from '../../users/entities/user.entity';

/** A logged-in user's support chat activity for one UTC day (upserted, never read-modify-write). */
@Entity('user_usage_stats')
export class UserUsageStatEntity extends BaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** UTC calendar day, `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ type: 'integer', default: 0 })
  messagesSent: number;

  @Column({ type: 'integer', default: 0 })
  assistantReplies: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintToNumber })
  tokensUsed: number;
}
