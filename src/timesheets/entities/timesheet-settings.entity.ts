import { BaseEntity, Column, Entity, PrimaryColumn } from 'typeorm';

/** A person's timesheet settings. */
@Entity('timesheet_settings')
export class TimesheetSettingsEntity extends BaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  /** IANA time zone: a day, "today" and "yesterday" are this zone's. */
  @Column({ type: 'varchar', length: 64 })
  timeZone: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
