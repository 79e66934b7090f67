import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const FEEDBACK_TYPES = ['bug', 'suggestion', 'comment'] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];
export const FEEDBACK_STATUSES = ['new', 'triaged', 'done'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];
export type FeedbackWebhookStatus = 'none' | 'pending' | 'delivered' | 'failed';

/** One piece of feedback sent from the site; its text is stored cleaned of markup. */
@Entity('feedback')
export class FeedbackEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  type: FeedbackType;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  page: string | null;

  @Column({ type: 'smallint', nullable: true })
  rating: number | null;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 16, default: 'new' })
  status: FeedbackStatus;

  /** Bug reports are sent to FEEDBACK_WEBHOOK_URL: `pending` until delivered or given up. */
  @Column({ type: 'varchar', length: 16, default: 'none' })
  webhookStatus: FeedbackWebhookStatus;

  @Column({ type: 'smallint', default: 0 })
  webhookAttempts: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
