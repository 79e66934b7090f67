import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsTimeZone, MaxLength } from 'class-validator';
import { TIMESHEET_RULES } from '../timesheets.rules';
import { RefField, SearchField } from './timesheet-fields';

/** What every answer to a person carries, so an assistant can resolve "aujourd'hui" / "hier". */
export class TodayDto {
  @ApiProperty({
    example: '2026-12-02',
    description: "Today in the person's time zone: resolve relative dates from it",
  })
  today: string;

  @ApiProperty({ example: 'Europe/Paris', description: "The person's time zone" })
  timeZone: string;
}

export class MyCustomersQueryDto {
  @SearchField('dupont')
  search?: string;
}

export class MyProjectsQueryDto {
  @RefField('customer', 'Dupont', false)
  customer?: string;

  @SearchField('site')
  search?: string;
}

export class MyPhasesQueryDto {
  @RefField('project', 'Site web', true)
  project: string;

  @RefField('customer', 'Dupont', false, '; only to tell apart projects of the same name')
  customer?: string;

  @SearchField('concep')
  search?: string;
}

export class MyActivitiesQueryDto {
  @RefField('phase', 'Conception', true)
  phase: string;

  @RefField('project', 'Site web', false, '; only to tell apart phases of the same name')
  project?: string;

  @SearchField('maquette')
  search?: string;
}

export class MyKindsQueryDto {
  @RefField('project', 'Site web', true)
  project: string;

  @RefField('activity', 'Maquettes', false, "; without it, the project's kinds")
  activity?: string;
}

export class MyCustomerDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Dupont SARL' })
  name: string;
}

export class MyProjectDto extends MyCustomerDto {
  @ApiProperty({ format: 'uuid' })
  customerId: string;

  @ApiProperty({ example: 'Dupont SARL' })
  customer: string;
}

export class MyPhaseDto extends MyProjectDto {
  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: 'Site web' })
  project: string;
}

export class MyActivityDto extends MyPhaseDto {
  @ApiProperty({ format: 'uuid' })
  phaseId: string;

  @ApiProperty({ example: 'Conception' })
  phase: string;
}

export class MyKindDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Développement' })
  name: string;
}

export class MyCustomerListDto extends TodayDto {
  @ApiProperty({ type: [MyCustomerDto] })
  items: MyCustomerDto[];
}

export class MyProjectListDto extends TodayDto {
  @ApiProperty({ type: [MyProjectDto] })
  items: MyProjectDto[];
}

export class MyPhaseListDto extends TodayDto {
  @ApiProperty({ type: [MyPhaseDto] })
  items: MyPhaseDto[];
}

export class MyActivityListDto extends TodayDto {
  @ApiProperty({ type: [MyActivityDto] })
  items: MyActivityDto[];
}

export class MyKindListDto extends TodayDto {
  @ApiProperty({ type: MyProjectDto, description: 'The project the kinds are for' })
  project: MyProjectDto;

  @ApiProperty({ type: MyActivityDto, nullable: true, description: 'The activity, if named' })
  activity: MyActivityDto | null;

  @ApiProperty({ type: [MyKindDto], description: 'The kinds of work allowed there' })
  items: MyKindDto[];
}

export class UpdateTimesheetSettingsDto {
  @ApiProperty({
    example: 'Europe/Paris',
    maxLength: TIMESHEET_RULES.timeZone.maxLength,
    description: 'IANA time zone: your days, "today" and "yesterday" are this zone’s',
  })
  @IsString()
  @MaxLength(TIMESHEET_RULES.timeZone.maxLength)
  @IsTimeZone({ message: 'timeZone must be an IANA time zone such as Europe/Paris' })
  timeZone: string;
}
