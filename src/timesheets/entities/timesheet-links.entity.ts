import { BaseEntity, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A person assigned to a project: they see it (and its customer) and book time on it. */
@Entity('timesheet_project_members')
export class TimesheetProjectMemberEntity extends BaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  projectId: string;

  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** The kinds a project allows (none listed: every kind). */
@Entity('timesheet_project_kinds')
export class TimesheetProjectKindEntity extends BaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  projectId: string;

  @PrimaryColumn({ type: 'uuid' })
  kindId: string;
}

/** The kinds an activity allows, narrowing its project's (none listed: the project's). */
@Entity('timesheet_activity_kinds')
export class TimesheetActivityKindEntity extends BaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  activityId: string;

  @PrimaryColumn({ type: 'uuid' })
  kindId: string;
}
