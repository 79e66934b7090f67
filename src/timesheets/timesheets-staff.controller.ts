import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Patch,
  Post,
  Put,
  Query,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { UuidParam } from '../common/http/uuid-param';
import {
  AddMemberDto,
  CreateActivityDto,
  CreateCustomerDto,
  CreateKindDto,
  CreatePhaseDto,
  CreateProjectDto,
  ListActivitiesQueryDto,
  ListLevelQueryDto,
  ListPhasesQueryDto,
  ListProjectsQueryDto,
  LevelListDto,
  LevelResponseDto,
  MemberListDto,
  SetKindsDto,
  UpdateLevelDto,
} from './dto/timesheet-hierarchy.dto';
import { ExportEntriesQueryDto } from './dto/timesheet-report.dto';
import { StaffEntriesQueryDto, StaffTimeEntryListDto } from './dto/time-entry.dto';
import { TimesheetsHierarchyService } from './timesheets-hierarchy.service';
import { TimesheetsReportService } from './timesheets-report.service';
import { TimesheetsService } from './timesheets.service';
import { TIMESHEET_RULES } from './timesheets.rules';

const NotFound = () => ApiNotFoundResponse({ type: ErrorResponseDto });
const Conflict = (description: string) =>
  ApiConflictResponse({ type: ErrorResponseDto, description });
const Invalid = () => ApiBadRequestResponse({ type: ErrorResponseDto });
const NAME_TAKEN = 'Name already used there (case and accents ignored)';
const BOOKED = 'Time is booked on it: archive it instead';

/**
 * What staff manage: customers → projects → phases → activities, kinds of work (and which a
 * project or activity allows), who is assigned to which project, and everyone's entries.
 * Levels with booked time are archived (PATCH `archived: true`), not deleted.
 */
@ApiTags('timesheets')
@Auth('staff')
@Controller('api/timesheets')
export class TimesheetsStaffController {
  constructor(
    private readonly hierarchy: TimesheetsHierarchyService,
    private readonly timesheets: TimesheetsService,
    private readonly reports: TimesheetsReportService,
  ) {}

  // ── Customers ──────────────────────────────────────────────────────────────────────────

  @Post('customers')
  @ApiOperation({ summary: 'Create a customer' })
  @ApiCreatedResponse({ type: LevelResponseDto })
  @Invalid()
  @Conflict(NAME_TAKEN)
  createCustomer(@Body() dto: CreateCustomerDto): Promise<LevelResponseDto> {
    return this.hierarchy.create('customer', dto);
  }

  @Get('customers')
  @ApiOperation({ summary: 'List customers by name' })
  @ApiOkResponse({ type: LevelListDto })
  listCustomers(@Query() q: ListLevelQueryDto): Promise<LevelListDto> {
    return this.hierarchy.list('customer', q);
  }

  @Get('customers/:id')
  @ApiOperation({ summary: 'One customer' })
  @ApiOkResponse({ type: LevelResponseDto })
  @NotFound()
  getCustomer(@UuidParam('Customer') id: string): Promise<LevelResponseDto> {
    return this.hierarchy.get('customer', id);
  }

  @Patch('customers/:id')
  @ApiOperation({ summary: 'Rename or archive a customer (archived: hidden, no new time)' })
  @ApiOkResponse({ type: LevelResponseDto })
  @NotFound()
  @Conflict(NAME_TAKEN)
  updateCustomer(
    @UuidParam('Customer') id: string,
    @Body() dto: UpdateLevelDto,
  ): Promise<LevelResponseDto> {
    return this.hierarchy.update('customer', id, dto);
  }

  @Delete('customers/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a customer and its projects, if no time is booked on them' })
  @ApiNoContentResponse()
  @NotFound()
  @Conflict(BOOKED)
  async removeCustomer(@UuidParam('Customer') id: string): Promise<void> {
    await this.hierarchy.remove('customer', id);
  }

  // ── Projects ───────────────────────────────────────────────────────────────────────────

  @Post('projects')
  @ApiOperation({ summary: 'Create a project for a customer (and the kinds it allows)' })
  @ApiCreatedResponse({ type: LevelResponseDto })
  @Invalid()
  @NotFound()
  @Conflict(NAME_TAKEN)
  createProject(@Body() dto: CreateProjectDto): Promise<LevelResponseDto> {
    return this.hierarchy.create('project', dto);
  }

  @Get('projects')
  @ApiOperation({ summary: 'List projects, of one customer if given' })
  @ApiOkResponse({ type: LevelListDto })
  listProjects(@Query() q: ListProjectsQueryDto): Promise<LevelListDto> {
    return this.hierarchy.list('project', { ...q, parentId: q.customerId });
  }

  @Get('projects/:id')
  @ApiOperation({ summary: 'One project, with the kinds it allows' })
  @ApiOkResponse({ type: LevelResponseDto })
  @NotFound()
  getProject(@UuidParam('Project') id: string): Promise<LevelResponseDto> {
    return this.hierarchy.get('project', id);
  }

  @Patch('projects/:id')
  @ApiOperation({ summary: 'Rename or archive a project (archived: hidden, entries frozen)' })
  @ApiOkResponse({ type: LevelResponseDto })
  @NotFound()
  @Conflict(NAME_TAKEN)
  updateProject(
    @UuidParam('Project') id: string,
    @Body() dto: UpdateLevelDto,
  ): Promise<LevelResponseDto> {
    return this.hierarchy.update('project', id, dto);
  }

  @Delete('projects/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a project and its phases, if no time is booked on it' })
  @ApiNoContentResponse()
  @NotFound()
  @Conflict(BOOKED)
  async removeProject(@UuidParam('Project') id: string): Promise<void> {
    await this.hierarchy.remove('project', id);
  }

  @Put('projects/:id/kinds')
  @ApiOperation({ summary: 'Set the kinds of work a project allows ([]: all)' })
  @ApiOkResponse({ type: LevelResponseDto })
  @Invalid()
  @NotFound()
  setProjectKinds(
    @UuidParam('Project') id: string,
    @Body() dto: SetKindsDto,
  ): Promise<LevelResponseDto> {
    return this.hierarchy.setKinds('project', id, dto);
  }

  @Get('projects/:id/members')
  @ApiOperation({ summary: 'The people assigned to a project' })
  @ApiOkResponse({ type: MemberListDto })
  @NotFound()
  members(@UuidParam('Project') id: string): Promise<MemberListDto> {
    return this.hierarchy.members(id);
  }

  @Post('projects/:id/members')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign a person to a project (they then see it and book time)' })
  @ApiOkResponse({ type: MemberListDto })
  @NotFound()
  addMember(@UuidParam('Project') id: string, @Body() dto: AddMemberDto): Promise<MemberListDto> {
    return this.hierarchy.addMember(id, dto);
  }

  @Delete('projects/:id/members/:userId')
  @ApiOperation({ summary: 'Unassign a person (their entries stay)' })
  @ApiOkResponse({ type: MemberListDto })
  @NotFound()
  removeMember(
    @UuidParam('Project') id: string,
    @UuidParam('Member', 'userId') userId: string,
  ): Promise<MemberListDto> {
    return this.hierarchy.removeMember(id, userId);
  }

  // ── Phases ─────────────────────────────────────────────────────────────────────────────

  @Post('phases')
  @ApiOperation({ summary: 'Create a phase in a project' })
  @ApiCreatedResponse({ type: LevelResponseDto })
  @Invalid()
  @NotFound()
  @Conflict(NAME_TAKEN)
  createPhase(@Body() dto: CreatePhaseDto): Promise<LevelResponseDto> {
    return this.hierarchy.create('phase', dto);
  }

  @Get('phases')
  @ApiOperation({ summary: 'List the phases of a project' })
  @ApiOkResponse({ type: LevelListDto })
  listPhases(@Query() q: ListPhasesQueryDto): Promise<LevelListDto> {
    return this.hierarchy.list('phase', { ...q, parentId: q.projectId });
  }

  @Patch('phases/:id')
  @ApiOperation({ summary: 'Rename or archive a phase' })
  @ApiOkResponse({ type: LevelResponseDto })
  @NotFound()
  @Conflict(NAME_TAKEN)
  updatePhase(
    @UuidParam('Phase') id: string,
    @Body() dto: UpdateLevelDto,
  ): Promise<LevelResponseDto> {
    return this.hierarchy.update('phase', id, dto);
  }

  @Delete('phases/:id')
  @ApiOperation({ summary: 'Delete a phase and its activities, if no time is booked on them' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @NotFound()
  @Conflict(BOOKED)
  async removePhase(@UuidParam('Phase') id: string): Promise<void> {
    await this.hierarchy.remove('phase', id);
  }

  // ── Activities ─────────────────────────────────────────────────────────────────────────

  @Post('activities')
  @ApiOperation({ summary: 'Create an activity in a phase (and the kinds it allows)' })
  @ApiCreatedResponse({ type: LevelResponseDto })
  @Invalid()
  @NotFound()
  @Conflict(NAME_TAKEN)
  createActivity(@Body() dto: CreateActivityDto): Promise<LevelResponseDto> {
    return this.hierarchy.create('activity', dto);
  }

  @Get('activities')
  @ApiOperation({ summary: 'List the activities of a phase' })
  @ApiOkResponse({ type: LevelListDto })
  listActivities(@Query() q: ListActivitiesQueryDto): Promise<LevelListDto> {
    return this.hierarchy.list('activity', { ...q, parentId: q.phaseId });
  }

  @Patch('activities/:id')
  @ApiOperation({ summary: 'Rename or archive an activity' })
  @ApiOkResponse({ type: LevelResponseDto })
  @NotFound()
  @Conflict(NAME_TAKEN)
  updateActivity(
    @UuidParam('Activity') id: string,
    @Body() dto: UpdateLevelDto,
  ): Promise<LevelResponseDto> {
    return this.hierarchy.update('activity', id, dto);
  }

  @Put('activities/:id/kinds')
  @ApiOperation({ summary: "Set the kinds an activity allows, among its project's ([]: those)" })
  @ApiOkResponse({ type: LevelResponseDto })
  @Invalid()
  @NotFound()
  setActivityKinds(
    @UuidParam('Activity') id: string,
    @Body() dto: SetKindsDto,
  ): Promise<LevelResponseDto> {
    return this.hierarchy.setKinds('activity', id, dto);
  }

  @Delete('activities/:id')
  @ApiOperation({ summary: 'Delete an activity, if no time is booked on it' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @NotFound()
  @Conflict(BOOKED)
  async removeActivity(@UuidParam('Activity') id: string): Promise<void> {
    await this.hierarchy.remove('activity', id);
  }

  // ── Kinds of work ──────────────────────────────────────────────────────────────────────

  @Post('kinds')
  @ApiOperation({ summary: 'Create a kind of work (e.g. Développement, Réunion)' })
  @ApiCreatedResponse({ type: LevelResponseDto })
  @Invalid()
  @Conflict(NAME_TAKEN)
  createKind(@Body() dto: CreateKindDto): Promise<LevelResponseDto> {
    return this.hierarchy.create('kind', dto);
  }

  @Get('kinds')
  @ApiOperation({ summary: 'List the kinds of work by name' })
  @ApiOkResponse({ type: LevelListDto })
  listKinds(@Query() q: ListLevelQueryDto): Promise<LevelListDto> {
    return this.hierarchy.list('kind', q);
  }

  @Patch('kinds/:id')
  @ApiOperation({ summary: 'Rename or archive a kind of work' })
  @ApiOkResponse({ type: LevelResponseDto })
  @NotFound()
  @Conflict(NAME_TAKEN)
  updateKind(
    @UuidParam('Kind') id: string,
    @Body() dto: UpdateLevelDto,
  ): Promise<LevelResponseDto> {
    return this.hierarchy.update('kind', id, dto);
  }

  @Delete('kinds/:id')
  @ApiOperation({ summary: 'Delete a kind of work, if no time is booked with it' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @NotFound()
  @Conflict(BOOKED)
  async removeKind(@UuidParam('Kind') id: string): Promise<void> {
    await this.hierarchy.remove('kind', id);
  }

  // ── Entries ────────────────────────────────────────────────────────────────────────────

  @Get('entries')
  @ApiOperation({ summary: "Everyone's time entries over a range, of one person or project" })
  @ApiOkResponse({ type: StaffTimeEntryListDto })
  @Invalid()
  entries(@Query() q: StaffEntriesQueryDto): Promise<StaffTimeEntryListDto> {
    return this.timesheets.staffEntries(q);
  }

  @Get('entries/export.csv')
  @ApiOperation({
    summary: 'The same entries as a CSV file (UTF-8 with BOM, RFC 4180), for a spreadsheet',
    description: `Columns: date, person, email, customer, project, phase, activity, kind, minutes, hours, billable, comment, id. At most ${TIMESHEET_RULES.exportMaxEntries} entries (a wider filter: 400). Text cells starting with = + - @ get a leading apostrophe.`,
  })
  @ApiProduces('text/csv')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'The file, as an attachment', schema: { type: 'string' } })
  @Invalid()
  async exportEntries(@Query() q: ExportEntriesQueryDto): Promise<StreamableFile> {
    const { csv, filename } = await this.reports.exportCsv(q);
    return new StreamableFile(Buffer.from(csv, 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${filename}"`,
    });
  }
}
