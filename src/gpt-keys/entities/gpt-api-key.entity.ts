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

export type GptKeyStatus = 'active' | 'inactive' | 'expired';

@Entity('gpt_api_keys')
export class GptApiKeyEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** SHA-256 of the plaintext key (hex). The plaintext is shown once and never stored. */
  @Column({ type: 'char', length: 64, select: false })
  keyHash: string;

  /** The first characters of the key (prefix + 4), enough to recognise it in a list. */
  @Column({ type: 'varchar', length: 40 })
  displayPrefix: string;

  @Column({ type: 'integer' })
  rateLimitPerHour: number;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @Column({ type: 'bigint', default: 0, transformer: bigintToNumber })
  usageCount: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: UserEntity | null;

  /** Set on the key a rotation replaced. */
  @Column({ type: 'uuid', nullable: true })
  replacedById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  status(now = new Date()): GptKeyStatus {
    if (!this.isActive) return 'inactive';
    if (this.expiresAt && this.expiresAt.getTime() <= now.getTime()) return 'expired';
    return 'active';
  }
}
