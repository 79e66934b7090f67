import { BaseEntity, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../../database/kit/transformers';
import type { DevisEntity } from './devis.entity';

/** numeric(12,3) arrives as a string; quantities are small enough for a double. */
const numericToNumber = {
  to: (v?: number | null) => v,
  from: (v?: string | null) => (v === null || v === undefined ? v : Number(v)),
};

@Entity('devis_lines')
export class DevisLineEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  devisId: string;

  @ManyToOne('DevisEntity', 'lines', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'devis_id' })
  devis?: DevisEntity;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  /** Trade, e.g. plomberie, électricité, maçonnerie. */
  @Column({ type: 'varchar', length: 40 })
  category: string;

  @Column({ type: 'numeric', precision: 12, scale: 3, transformer: numericToNumber })
  quantity: number;

  /** u, m², m, ml, h, forfait… */
  @Column({ type: 'varchar', length: 16 })
  unit: string;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  unitPriceHtCents: number;

  /** TVA rate in basis points: 2000 = 20 %, 550 = 5.5 %. */
  @Column({ type: 'integer' })
  tvaRateBp: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  totalHtCents: number;
}
