import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth } from '../common/auth/auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { UuidParam } from '../common/http/uuid-param';
import { GptAction } from '../gpt-schema/gpt-action.decorator';
import {
  MyActivitiesQueryDto,
  MyActivityListDto,
  MyCustomerListDto,
  MyCustomersQueryDto,
  MyKindListDto,
  MyKindsQueryDto,
  MyPhaseListDto,
  MyPhasesQueryDto,
  MyProjectListDto,
  MyProjectsQueryDto,
} from './dto/my-timesheet.dto';
import {
  CreatedTimeEntryDto,
  CreateTimeEntryDto,
  DeletedTimeEntryDto,
  MySummaryDto,
  MySummaryQueryDto,
  MyTimeEntriesQueryDto,
  TimeEntryListDto,
  TimeEntryResultDto,
  UpdateTimeEntryDto,
} from './dto/time-entry.dto';
import { CurrentPerson, type TimesheetPerson } from './timesheet-person.decorator';
import { TimesheetsService } from './timesheets.service';

const Errors = () =>
  applyDecorators(
    ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid fields, each named' }),
    ApiNotFoundResponse({
      type: ErrorResponseDto,
      description: 'No such item among the person’s: the message says which list tool to call',
    }),
    ApiForbiddenResponse({
      type: ErrorResponseDto,
      description: 'A GPT key (no person), or a token without the scope',
    }),
  );

const Conflicts = () =>
  ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Archived project or activity, or over 24 h on that day',
  });

/**
 * A person's timesheet, for the assistant acting as them (MCP tools, OAuth) and for
 * integrators holding a person's OAuth token. Every answer carries `today` in their time zone.
 */
@ApiTags('timesheets')
@Auth('assistant')
@Controller('api/timesheets/me')
export class MyTimesheetController {
  constructor(private readonly timesheets: TimesheetsService) {}

  @Get('customers')
  @GptAction({
    operationId: 'listCustomers',
    title: 'List my customers',
    effect: 'read',
    scope: 'timesheets:read',
    person: true,
    summary:
      "List the customers of the person's projects, optionally those whose name contains `search`. Start here; the result also gives today's date in their time zone.",
  })
  @ApiOkResponse({ type: MyCustomerListDto })
  @Errors()
  customers(
    @CurrentPerson() person: TimesheetPerson,
    @Query() q: MyCustomersQueryDto,
  ): Promise<MyCustomerListDto> {
    return this.timesheets.customers(person, q);
  }

  @Get('projects')
  @GptAction({
    operationId: 'listProjects',
    title: 'List my projects',
    effect: 'read',
    scope: 'timesheets:read',
    person: true,
    summary:
      'List the person\'s projects, of one customer if given (its id or name, e.g. "Dupont"), optionally filtered by `search`.',
  })
  @ApiOkResponse({ type: MyProjectListDto })
  @Errors()
  projects(
    @CurrentPerson() person: TimesheetPerson,
    @Query() q: MyProjectsQueryDto,
  ): Promise<MyProjectListDto> {
    return this.timesheets.projects(person, q);
  }

  @Get('phases')
  @GptAction({
    operationId: 'listPhases',
    title: 'List the phases of a project',
    effect: 'read',
    scope: 'timesheets:read',
    person: true,
    summary: 'List the phases of one of the person’s projects (its id or name).',
  })
  @ApiOkResponse({ type: MyPhaseListDto })
  @Errors()
  phases(
    @CurrentPerson() person: TimesheetPerson,
    @Query() q: MyPhasesQueryDto,
  ): Promise<MyPhaseListDto> {
    return this.timesheets.phases(person, q);
  }

  @Get('activities')
  @GptAction({
    operationId: 'listActivities',
    title: 'List the activities of a phase',
    effect: 'read',
    scope: 'timesheets:read',
    person: true,
    summary:
      'List the activities of a phase (its id or name; add the project when several projects have a phase of that name). Time is booked on an activity.',
  })
  @ApiOkResponse({ type: MyActivityListDto })
  @Errors()
  activities(
    @CurrentPerson() person: TimesheetPerson,
    @Query() q: MyActivitiesQueryDto,
  ): Promise<MyActivityListDto> {
    return this.timesheets.activities(person, q);
  }

  @Get('kinds')
  @GptAction({
    operationId: 'listKinds',
    title: 'List the kinds of work allowed',
    effect: 'read',
    scope: 'timesheets:read',
    person: true,
    summary:
      'List the kinds of work (e.g. Développement, Réunion, Déplacement) allowed on a project, or on one of its activities if given.',
  })
  @ApiOkResponse({ type: MyKindListDto })
  @Errors()
  kinds(
    @CurrentPerson() person: TimesheetPerson,
    @Query() q: MyKindsQueryDto,
  ): Promise<MyKindListDto> {
    return this.timesheets.kinds(person, q);
  }

  @Post('entries')
  @GptAction({
    operationId: 'createTimeEntry',
    title: 'Book time',
    effect: 'write',
    scope: 'timesheets:write',
    person: true,
    consequential: false,
    summary:
      'Book time for the person: date YYYY-MM-DD (not after today), activity and kind by id or name, duration 1-1440 minutes (at most 24 h a day in all). Send a new idempotencyKey per entry, the same on a retry.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same as the idempotencyKey field: a retry with the same key is stored once',
  })
  @ApiCreatedResponse({ type: CreatedTimeEntryDto, description: 'The entry and its day total' })
  @Errors()
  @Conflicts()
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description: 'idempotencyKey reused for another entry',
  })
  async create(
    @CurrentPerson() person: TimesheetPerson,
    @Body() dto: CreateTimeEntryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedTimeEntryDto> {
    const result = await this.timesheets.createEntry(person, dto, idempotencyKey);
    res.status(result.status);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Get('entries')
  @GptAction({
    operationId: 'listMyTimeEntries',
    title: 'List my time entries',
    effect: 'read',
    scope: 'timesheets:read',
    person: true,
    summary:
      "List the person's time entries from `from` to `to` (YYYY-MM-DD; default: today), optionally of one project, with the total.",
  })
  @ApiOkResponse({ type: TimeEntryListDto })
  @Errors()
  entries(
    @CurrentPerson() person: TimesheetPerson,
    @Query() q: MyTimeEntriesQueryDto,
  ): Promise<TimeEntryListDto> {
    return this.timesheets.entries(person, q);
  }

  @Patch('entries/:id')
  @GptAction({
    operationId: 'updateTimeEntry',
    title: 'Change a time entry',
    effect: 'delete',
    idempotent: true,
    scope: 'timesheets:write',
    person: true,
    summary:
      "Change one of the person's time entries (its id from listMyTimeEntries): only the fields given change, checked like a new entry.",
  })
  @ApiOkResponse({ type: TimeEntryResultDto })
  @Errors()
  @Conflicts()
  update(
    @CurrentPerson() person: TimesheetPerson,
    @UuidParam('Time entry') id: string,
    @Body() dto: UpdateTimeEntryDto,
  ): Promise<TimeEntryResultDto> {
    return this.timesheets.updateEntry(person, id, dto);
  }

  @Delete('entries/:id')
  @GptAction({
    operationId: 'deleteTimeEntry',
    title: 'Delete a time entry',
    effect: 'delete',
    idempotent: true,
    scope: 'timesheets:write',
    person: true,
    summary:
      "Delete one of the person's time entries (its id from listMyTimeEntries). Confirm with the person first.",
  })
  @ApiOkResponse({ type: DeletedTimeEntryDto, description: 'The deleted entry and its day total' })
  @Errors()
  @Conflicts()
  remove(
    @CurrentPerson() person: TimesheetPerson,
    @UuidParam('Time entry') id: string,
  ): Promise<DeletedTimeEntryDto> {
    return this.timesheets.deleteEntry(person, id);
  }

  @Get('summary')
  @GptAction({
    operationId: 'mySummary',
    title: 'Sum up my time',
    effect: 'read',
    scope: 'timesheets:read',
    person: true,
    summary:
      "Hours per day or per week (groupBy) and per project, from `from` to `to` (default: this week so far), in the person's time zone.",
  })
  @ApiOkResponse({ type: MySummaryDto })
  @Errors()
  summary(
    @CurrentPerson() person: TimesheetPerson,
    @Query() q: MySummaryQueryDto,
  ): Promise<MySummaryDto> {
    return this.timesheets.summary(person, q);
  }
}
