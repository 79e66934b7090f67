import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { DevisEntity } from '../../devis/entities/devis.entity';
import { GptApiKeyEntity } from '../../gpt-keys/entities/gpt-api-key.entity';
import { UserEntity } from '../../users/entities/user.entity';
import type { ChatSessionEntity } from '../../chat/entities/chat-session.entity';

export const GPT_GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type GptGrade = (typeof GPT_GRADES)[number];

export const RECOMMENDATION_TYPES = [
  'prix',
  'technique',
  'conformite',
  'delais',
  'garanties',
  'assurance',
  'autre',
] as const;
export type RecommendationType = (typeof RECOMMENDATION_TYPES)[number];
export const PRIORITIES = ['low', 'medium', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const REVIEW_STATUSES = ['none', 'pending', 'reviewed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const REVIEW_VERDICTS = ['confirmed', 'corrected', 'rejected'] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];

export const PRICE_VERDICTS = ['low', 'fair', 'high', 'suspicious'] as const;

export interface AnalysisBody {
  summary: string;
  strengths?: string[];
  weaknesses?: string[];
  complianceIssues?: string[];
  priceAssessment?: { verdict: (typeof PRICE_VERDICTS)[number]; comment?: string };
}

export interface Recommendation {
  type: RecommendationType;
  priority: Priority;
  title: string;
  description: string;
}

@Entity('gpt_analyses')
export class GptAnalysisEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  devisId: string;

  @ManyToOne(() => DevisEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'devis_id' })
  devis?: DevisEntity;

  /** The GPT key that posted it (null once that key is deleted). */
  @Column({ type: 'uuid', nullable: true })
  apiKeyId: string | null;

  @ManyToOne(() => GptApiKeyEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'api_key_id' })
  apiKey?: GptApiKeyEntity | null;

  /** The person who posted it through an assistant signed in with OAuth (no GPT key). */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  /** The OAuth client (assistant) that person used. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  oauthClientId: string | null;

  @Column({ type: 'smallint' })
  gptScore: number;

  @Column({ type: 'char', length: 1 })
  gptGrade: GptGrade;

  @Column({ type: 'smallint' })
  confidence: number;

  @Column({ type: 'jsonb' })
  analysis: AnalysisBody;

  @Column({ type: 'jsonb', default: [] })
  recommendations: Recommendation[];

  /**
   * `pending`: doubtful (confidence below the chat settings' threshold, or grade E), waiting
   * for a person in the support conversation `supportSessionId`; `reviewed`: staff gave a
   * verdict; `none`: confident, nobody needs to look.
   */
  @Column({ type: 'varchar', length: 16, default: 'none' })
  reviewStatus: ReviewStatus;

  @Column({ type: 'uuid', nullable: true })
  supportSessionId: string | null;

  @ManyToOne('ChatSessionEntity', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'support_session_id' })
  supportSession?: ChatSessionEntity | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'reviewed_by_id' })
  reviewedBy?: UserEntity | null;

  /** Staff's verdict: the analysis stands, needed corrections (in the note), or is wrong. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  reviewVerdict: ReviewVerdict | null;

  @Column({ type: 'text', nullable: true })
  reviewNote: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
