import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * Time a person booked on an activity, on a day of their time zone. Its project, activity and
 * kind cannot be deleted while it exists (RESTRICT): they are archived instead.
 */
@Entity('timesheet_entries')
export class TimeEntryEntity extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  /** The activity's project, kept on the entry for per-project reports. */
  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'uuid' })
  activityId: string;

  @Column({ type: 'uuid' })
  kindId: string;

  /** `YYYY-MM-DD`. */
  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'smallint' })
  durationMinutes: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  comment: string | null;

  @Column({ type: 'boolean' })
  billable: boolean;

  /** An assistant's retry with this key gets the first entry back (unique per person). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 of the creating request: the same key with another request is refused. */
  @Column({ type: 'char', length: 64, nullable: true })
  requestHash: string | null;

  /** The OAuth client (assistant) that created it. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  oauthClientId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
