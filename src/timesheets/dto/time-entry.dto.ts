import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { MaxTextLength } from '../../common/http/max-text-length.validator';
import { PlainText } from '../../common/http/plain-text.decorator';
import { TIMESHEET_RULES } from '../timesheets.rules';
import { TodayDto } from './my-timesheet.dto';
import { DateField, RefField } from './timesheet-fields';

const { durationMinutes, commentMaxLength, entriesPage, idempotencyKey } = TIMESHEET_RULES;
const DURATION = `Whole minutes, ${durationMinutes.min} to ${durationMinutes.max} (24 h); 1 h 30 is 90`;

export class CreateTimeEntryDto {
  @DateField("The day worked, in the person's time zone; not after today", true)
  date: string;

  @RefField('activity', 'Maquettes', true)
  activity: string;

  @RefField('project', 'Site web', false, '; to tell apart activities of the same name')
  project?: string;

  @RefField('phase', 'Conception', false, '; to tell apart activities of the same name')
  phase?: string;

  @RefField('kind of work', 'Développement', true, '; one listKinds gives for this activity')
  kind: string;

  @ApiProperty({
    type: 'integer',
    example: 90,
    minimum: durationMinutes.min,
    maximum: durationMinutes.max,
    description: DURATION,
  })
  @IsInt()
  @Min(durationMinutes.min)
  @Max(durationMinutes.max)
  durationMinutes: number;

  @PlainText()
  @ApiPropertyOptional({ example: 'Maquettes de la page d’accueil', maxLength: commentMaxLength })
  @IsOptional()
  @IsString()
  @MaxTextLength(commentMaxLength)
  comment?: string;

  @ApiPropertyOptional({
    description: `Billable to the customer (default ${TIMESHEET_RULES.billableByDefault})`,
  })
  @IsOptional()
  @IsBoolean()
  billable?: boolean;

  @ApiPropertyOptional({
    example: 'saisie-2026-12-02-1',
    maxLength: idempotencyKey.maxLength,
    description:
      'A unique string per entry, sent again unchanged on a retry: the entry is then stored only once',
  })
  @IsOptional()
  @Matches(idempotencyKey.pattern, {
    message: 'idempotencyKey must be 1-255 visible ASCII characters',
  })
  idempotencyKey?: string;
}

/** Only the fields to change; `comment: null` removes the comment. */
export class UpdateTimeEntryDto {
  @DateField("The new day, in the person's time zone; not after today", false)
  date?: string;

  @RefField('new activity', 'Maquettes', false)
  activity?: string;

  @RefField('project of the new activity', 'Site web', false, '; only with activity')
  project?: string;

  @RefField('phase of the new activity', 'Conception', false, '; only with activity')
  phase?: string;

  @RefField('new kind of work', 'Réunion', false)
  kind?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 60,
    minimum: durationMinutes.min,
    maximum: durationMinutes.max,
    description: DURATION,
  })
  @IsOptional()
  @IsInt()
  @Min(durationMinutes.min)
  @Max(durationMinutes.max)
  durationMinutes?: number;

  @PlainText()
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: commentMaxLength })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @MaxTextLength(commentMaxLength)
  comment?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  billable?: boolean;
}

export class MyTimeEntriesQueryDto {
  @DateField('First day (default: the `to` day)', false)
  from?: string;

  @DateField("Last day (default: today in the person's time zone)", false)
  to?: string;

  @RefField('project', 'Site web', false, '; only its entries')
  project?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: entriesPage.max,
    default: entriesPage.default,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(entriesPage.max)
  limit?: number;
}

export const SUMMARY_PERIODS = ['day', 'week'] as const;
export type SummaryPeriod = (typeof SUMMARY_PERIODS)[number];

export class MySummaryQueryDto {
  @DateField("First day (default: Monday of the `to` day's week)", false)
  from?: string;

  @DateField("Last day (default: today in the person's time zone)", false)
  to?: string;

  @ApiPropertyOptional({
    enum: SUMMARY_PERIODS,
    default: 'day',
    description: 'Totals per day, or per week (weeks start on Monday)',
  })
  @IsOptional()
  @IsIn(SUMMARY_PERIODS)
  groupBy?: SummaryPeriod;
}

export class StaffEntriesQueryDto {
  @DateField('First day', true)
  from: string;

  @DateField('Last day', true)
  to: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this person's entries" })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this project's entries" })
  @IsOptional()
  @IsUUID()
  projectId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: entriesPage.max })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(entriesPage.max)
  limit?: number;
}

export class TimeEntryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '2026-12-02' })
  date: string;

  @ApiProperty({ example: 90 })
  durationMinutes: number;

  @ApiProperty({ example: '1 h 30' })
  duration: string;

  @ApiProperty({ type: String, nullable: true })
  comment: string | null;

  @ApiProperty()
  billable: boolean;

  @ApiProperty({ format: 'uuid' })
  customerId: string;

  @ApiProperty({ example: 'Dupont SARL' })
  customer: string;

  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: 'Site web' })
  project: string;

  @ApiProperty({ format: 'uuid' })
  phaseId: string;

  @ApiProperty({ example: 'Conception' })
  phase: string;

  @ApiProperty({ format: 'uuid' })
  activityId: string;

  @ApiProperty({ example: 'Maquettes' })
  activity: string;

  @ApiProperty({ format: 'uuid' })
  kindId: string;

  @ApiProperty({ example: 'Développement' })
  kind: string;

  @ApiProperty({ description: 'Its project is archived: the entry can no longer change' })
  projectArchived: boolean;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

/** What a write answers: the entry, and where the day stands against the 24-hour cap. */
export class TimeEntryResultDto extends TodayDto {
  @ApiProperty({ type: TimeEntryDto })
  entry: TimeEntryDto;

  @ApiProperty({ example: 450, description: "Minutes booked on the entry's day, all entries" })
  dayTotalMinutes: number;

  @ApiProperty({ example: '7 h 30' })
  dayTotal: string;

  @ApiProperty({ example: 990, description: 'Minutes still bookable that day' })
  dayRemainingMinutes: number;
}

export class CreatedTimeEntryDto extends TimeEntryResultDto {
  @ApiProperty({ description: 'A retry with the same idempotencyKey: nothing new was stored' })
  replayed: boolean;
}

export class DeletedTimeEntryDto extends TimeEntryResultDto {
  @ApiProperty({ example: true })
  deleted: boolean;
}

export class TimeEntryListDto extends TodayDto {
  @ApiProperty({ example: '2026-11-30' })
  from: string;

  @ApiProperty({ example: '2026-12-02' })
  to: string;

  @ApiProperty({ example: 1_200, description: 'Minutes over the range (all pages)' })
  totalMinutes: number;

  @ApiProperty({ example: '20 h' })
  total: string;

  @ApiProperty({ type: [TimeEntryDto], description: 'Oldest day first' })
  items: TimeEntryDto[];

  @ApiProperty({ description: 'More entries after this page (raise offset)' })
  hasMore: boolean;
}

export class StaffTimeEntryDto extends TimeEntryDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;
}

export class StaffTimeEntryListDto {
  @ApiProperty({ type: [StaffTimeEntryDto] })
  items: StaffTimeEntryDto[];

  @ApiProperty()
  hasMore: boolean;
}

export class ProjectMinutesDto {
  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: 'Site web' })
  project: string;

  @ApiProperty({ example: 'Dupont SARL' })
  customer: string;

  @ApiProperty({ example: 450 })
  minutes: number;

  @ApiProperty({ example: 7.5 })
  hours: number;
}

export class SummaryPeriodDto {
  @ApiProperty({ example: '2026-11-30', description: 'The day, or the Monday of the week' })
  period: string;

  @ApiProperty({ example: 450 })
  minutes: number;

  @ApiProperty({ example: 7.5 })
  hours: number;

  @ApiProperty({ type: [ProjectMinutesDto], description: 'Most time first' })
  projects: ProjectMinutesDto[];
}

export class MySummaryDto extends TodayDto {
  @ApiProperty({ example: '2026-11-30' })
  from: string;

  @ApiProperty({ example: '2026-12-02' })
  to: string;

  @ApiProperty({ enum: SUMMARY_PERIODS })
  groupBy: SummaryPeriod;

  @ApiProperty({ example: 1_200 })
  totalMinutes: number;

  @ApiProperty({ example: 20 })
  totalHours: number;

  @ApiProperty({ type: [SummaryPeriodDto], description: 'Periods with time, oldest first' })
  periods: SummaryPeriodDto[];

  @ApiProperty({ type: [ProjectMinutesDto], description: 'Totals per project over the range' })
  projects: ProjectMinutesDto[];
}
