import {
  TimesheetActivityEntity,
  TimesheetCustomerEntity,
  TimesheetKindEntity,
  TimesheetPhaseEntity,
  TimesheetProjectEntity,
} from './timesheet-hierarchy.entity';
import {
  TimesheetActivityKindEntity,
  TimesheetProjectKindEntity,
  TimesheetProjectMemberEntity,
} from './timesheet-links.entity';
import { TimeEntryViewEntity, TimesheetMemberViewEntity } from './timesheet-admin-views.entity';
import { TimesheetSettingsEntity } from './timesheet-settings.entity';
import { TimeEntryEntity } from './time-entry.entity';

/** The timesheets module's tables, for the entity list and TypeOrmModule.forFeature. */
export const TIMESHEET_ENTITIES = [
  TimesheetCustomerEntity,
  TimesheetProjectEntity,
  TimesheetPhaseEntity,
  TimesheetActivityEntity,
  TimesheetKindEntity,
  TimesheetProjectMemberEntity,
  TimesheetProjectKindEntity,
  TimesheetActivityKindEntity,
  TimesheetSettingsEntity,
  TimeEntryEntity,
  TimesheetMemberViewEntity,
  TimeEntryViewEntity,
];
