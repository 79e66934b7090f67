import { PickType } from '@nestjs/swagger';
import { StaffEntriesQueryDto } from './time-entry.dto';

/** The CSV export's filter: the staff listing's, without paging (one file, bounded in size). */
export class ExportEntriesQueryDto extends PickType(StaffEntriesQueryDto, [
  'from',
  'to',
  'userId',
  'projectId',
] as const) {}

/** One project's minutes on each day of the week (Monday first). */
export interface WeekProjectRow {
  projectId: string;
  project: string;
  customer: string;
  days: number[];
  minutes: number;
  hours: number;
}

export interface WeekPersonRow {
  userId: string;
  name: string;
  email: string;
  minutes: number;
  hours: number;
}

/** Everyone's hours of one week, per project and day and per person (the back-office). */
export interface WeekReport {
  /** The Monday. */
  week: string;
  previousWeek: string;
  nextWeek: string;
  /** Monday to Sunday. */
  days: string[];
  projects: WeekProjectRow[];
  people: WeekPersonRow[];
  dayMinutes: number[];
  totalMinutes: number;
  totalHours: number;
}
