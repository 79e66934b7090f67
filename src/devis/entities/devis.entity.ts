import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintToNumber } from '../../database/kit/transformers';
import { DevisLineEntity } from './devis-line.entity';

export const DEVIS_STATUSES = ['draft', 'sent', 'accepted', 'rejected', 'expired'] as const;
export type DevisStatus = (typeof DEVIS_STATUSES)[number];

/** A quote. Money is integer euro cents; totals are computed from the lines on write. */
@Entity('devis')
export class DevisEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Human-readable, unique (case-insensitive), stored upper-case, e.g. DEV-2025-0042. */
  @Column({ type: 'varchar', length: 40 })
  reference: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: DevisStatus;

  @Column({ type: 'varchar', length: 200 })
  companyName: string;

  @Column({ type: 'char', length: 14, nullable: true })
  companySiret: string | null;

  @Column({ type: 'varchar', length: 200 })
  clientName: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  clientPostcode: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  clientCity: string | null;

  @Column({ type: 'char', length: 3, default: 'EUR' })
  currency: 'EUR';

  @Column({ type: 'bigint', transformer: bigintToNumber })
  totalHtCents: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  totalTvaCents: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  totalTtcCents: number;

  /** ISO date (YYYY-MM-DD). */
  @Column({ type: 'date' })
  issueDate: string;

  @Column({ type: 'date', nullable: true })
  validUntil: string | null;

  @Column({ type: 'jsonb', default: {} })
  metadata: Record<string, unknown>;

  @OneToMany(() => DevisLineEntity, (line) => line.devis, { cascade: ['insert'] })
  lines?: DevisLineEntity[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
