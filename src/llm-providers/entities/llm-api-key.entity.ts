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
import { bigintToNumber } from '../../database/kit/transformers';
import { UserEntity } from '../../users/entities/user.entity';

export const LLM_PROVIDERS = ['mistral', 'openai', 'anthropic', 'groq'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/** A user's own provider key. The plaintext exists only in memory, just before a call. */
@Entity('llm_api_keys')
export class LlmApiKeyEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 16 })
  provider: LlmProvider;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** `iv_hex:tag_hex:data_hex` (SecretBox). Never selected unless asked for. */
  @Column({ type: 'text', select: false })
  encryptedKey: string;

  /** What a person may see to recognise the key, e.g. `sk-proj-…`. */
  @Column({ type: 'varchar', length: 24 })
  keyPrefix: string;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @Column({ type: 'boolean', default: false })
  isDefault: boolean;

  @Column({ type: 'bigint', default: 0, transformer: bigintToNumber })
  usageCount: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'jsonb', default: {} })
  metadata: Record<string, unknown>;

  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  monthlyBudgetMicroUsd: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
