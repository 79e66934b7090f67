import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import type { DevisEntity } from '../../devis/entities/devis.entity';
import type { ChatMessageEntity } from './chat-message.entity';

/** `pending`: the assistant answers; `open`: waiting for or handled by staff; `resolved`: closed. */
export const CHAT_SESSION_STATUSES = ['pending', 'open', 'resolved'] as const;
export type ChatSessionStatus = (typeof CHAT_SESSION_STATUSES)[number];

/**
 * One support conversation: a logged-in user's (userId) or an anonymous visitor's (only the
 * SHA-256 of the visitor token is stored).
 */
@Entity('chat_sessions')
export class ChatSessionEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity | null;

  /** SHA-256 (hex) of the anonymous visitor's session token. Never selected unless asked for. */
  @Column({ type: 'char', length: 64, nullable: true, select: false })
  visitorTokenHash: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: ChatSessionStatus;

  /** Off once staff replied (or the visitor asked for a human): no more automatic replies. */
  @Column({ type: 'boolean', default: true })
  assistantEnabled: boolean;

  @Column({ type: 'uuid', nullable: true })
  assignedStaffId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'assigned_staff_id' })
  assignedStaff?: UserEntity | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  /** `review`: opened for staff to review a doubtful analysis (it may have no visitor). */
  @Column({ type: 'varchar', length: 16, default: 'visitor' })
  origin: 'visitor' | 'review';

  /**
   * The devis whose doubtful analysis opened this conversation (null for visitors' chats);
   * later doubtful analyses of it go to the same conversation while it is not resolved. The
   * analyses point here (`GptAnalysisEntity.supportSessionId`), not the other way round.
   */
  @Column({ type: 'uuid', nullable: true })
  devisId: string | null;

  @ManyToOne('DevisEntity', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'devis_id' })
  devis?: DevisEntity | null;

  /** The sequence of the session's newest message (0: none); bumped under the row lock. */
  @Column({ type: 'integer', default: 0 })
  lastSequence: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastMessageAt: Date | null;

  @OneToMany('ChatMessageEntity', 'session')
  messages?: ChatMessageEntity[];

  /** The visitor's satisfaction (1–5), given once after staff resolved the conversation. */
  @Column({ type: 'smallint', nullable: true })
  rating: number | null;

  @Column({ type: 'text', nullable: true })
  ratingComment: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  ratedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
