import { BaseEntity, Column, PrimaryColumn, ViewEntity } from 'typeorm';

/*
 * The back-office's read-only views of the timesheets (migration TimesheetAdminViews): what
 * AdminJS lists. Columns carry explicit types (not @ViewColumn) so that AdminJS's TypeORM
 * adapter knows dates, numbers and uuids. Nothing writes through them.
 */

/** A person assigned to a project; the id is `projectId:userId`. */
@ViewEntity({ name: 'timesheet_members_view' })
export class TimesheetMemberViewEntity extends BaseEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar' })
  userEmail: string;

  @Column({ type: 'varchar' })
  userName: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}

/** A time entry with its person's email and name and the levels above its activity. */
@ViewEntity({ name: 'timesheet_entries_view' })
export class TimeEntryViewEntity extends BaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** `YYYY-MM-DD`. */
  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar' })
  userEmail: string;

  @Column({ type: 'varchar' })
  userName: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'uuid' })
  phaseId: string;

  @Column({ type: 'uuid' })
  activityId: string;

  @Column({ type: 'uuid' })
  kindId: string;

  @Column({ type: 'smallint' })
  durationMinutes: number;

  @Column({ type: 'boolean' })
  billable: boolean;

  @Column({ type: 'varchar', nullable: true })
  comment: string | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
