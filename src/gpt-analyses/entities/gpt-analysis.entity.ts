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

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
