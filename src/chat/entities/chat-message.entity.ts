import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ChatSessionEntity } from './chat-session.entity';

export const CHAT_MESSAGE_ROLES = ['user', 'assistant', 'staff', 'system'] as const;
export type ChatMessageRole = (typeof CHAT_MESSAGE_ROLES)[number];

/** One message; `content` is sanitized plain text (never markup). */
@Entity('chat_messages')
@Index('chat_messages_session_sequence_key', ['sessionId', 'sequence'], { unique: true })
export class ChatMessageEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => ChatSessionEntity, (s) => s.messages, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: ChatSessionEntity;

  /** 1, 2, 3… within the session: the cursor of history polling and SSE. */
  @Column({ type: 'integer' })
  sequence: number;

  @Column({ type: 'varchar', length: 16 })
  role: ChatMessageRole;

  @Column({ type: 'varchar', length: 120, nullable: true })
  senderName: string | null;

  @Column({ type: 'text' })
  content: string;

  /** Tokens the assistant reply used (prompt + completion); null for other roles. */
  @Column({ type: 'integer', nullable: true })
  tokensUsed: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
