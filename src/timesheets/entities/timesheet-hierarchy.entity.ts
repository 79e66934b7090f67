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

/**
 * The levels time is booked under: customer → project → phase → activity, and the kinds of
 * work (a catalogue). Names are unique per parent, ignoring case and accents (the migration's
 * `timesheet_fold` indexes). A level with booked time is archived, never deleted.
 */
abstract class NamedLevel extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  /** Set when archived: hidden from people's lists, no new time on it, its entries kept. */
  @Column({ type: 'timestamptz', nullable: true })
  archivedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('timesheet_customers')
export class TimesheetCustomerEntity extends NamedLevel {}

@Entity('timesheet_projects')
export class TimesheetProjectEntity extends NamedLevel {
  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => TimesheetCustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: TimesheetCustomerEntity;
}

@Entity('timesheet_phases')
export class TimesheetPhaseEntity extends NamedLevel {
  @Column({ type: 'uuid' })
  projectId: string;

  @ManyToOne(() => TimesheetProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: TimesheetProjectEntity;
}

@Entity('timesheet_activities')
export class TimesheetActivityEntity extends NamedLevel {
  @Column({ type: 'uuid' })
  phaseId: string;

  @ManyToOne(() => TimesheetPhaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'phase_id' })
  phase?: TimesheetPhaseEntity;
}

/** A type of work ("Développement", "Réunion", "Déplacement"). */
@Entity('timesheet_kinds')
export class TimesheetKindEntity extends NamedLevel {}
