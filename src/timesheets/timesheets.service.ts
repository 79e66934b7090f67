import { Injectable } from '@nestjs/common';
import { sha256Hex } from '../common/crypto';
import { DomainException } from '../common/errors/domain.exception';
import { isUuid } from '../common/text';
import { isUniqueViolation } from '../database/kit/errors';
import {
  addDays,
  daysBetween,
  formatDuration,
  isTimeZone,
  todayIn,
  toHours,
  weekStart,
} from './calendar';
import type {
  MyActivitiesQueryDto,
  MyActivityListDto,
  MyCustomerListDto,
  MyCustomersQueryDto,
  MyKindListDto,
  MyKindsQueryDto,
  MyPhaseListDto,
  MyPhasesQueryDto,
  MyProjectDto,
  MyProjectListDto,
  MyProjectsQueryDto,
  TodayDto,
  UpdateTimesheetSettingsDto,
} from './dto/my-timesheet.dto';
import type {
  CreatedTimeEntryDto,
  CreateTimeEntryDto,
  DeletedTimeEntryDto,
  MySummaryDto,
  MySummaryQueryDto,
  MyTimeEntriesQueryDto,
  ProjectMinutesDto,
  StaffEntriesQueryDto,
  StaffTimeEntryListDto,
  TimeEntryDto,
  TimeEntryListDto,
  TimeEntryResultDto,
  UpdateTimeEntryDto,
} from './dto/time-entry.dto';
import type { TimesheetPerson } from './timesheet-person.decorator';
import { TIMESHEET_RULES } from './timesheets.rules';
import {
  type EntryRow,
  type KindRef,
  type PeriodMinutesRow,
  TimesheetsRepository,
  type VisibleRow,
} from './timesheets.repository';

type PersonLevel = 'customer' | 'project' | 'phase' | 'activity';

/** How a level is named to the person, and the tool that lists it. */
const LEVEL_WORDS: Record<PersonLevel, { one: string; many: string; tool: string }> = {
  customer: { one: 'customer', many: 'customers', tool: 'listCustomers' },
  project: { one: 'project', many: 'projects', tool: 'listProjects' },
  phase: { one: 'phase', many: 'phases', tool: 'listPhases' },
  activity: { one: 'activity', many: 'activities', tool: 'listActivities' },
};

/** Rows to look at when a name is resolved (enough to list the ambiguous ones). */
const MATCH_LIMIT = 50;

export interface CreatedEntry {
  status: number;
  body: CreatedTimeEntryDto;
  /** An idempotency-key retry: the first entry, nothing stored. */
  replayed: boolean;
}

/**
 * A person's timesheet, as they and their assistant see it: the customers, projects, phases,
 * activities and kinds of the projects they are assigned to, found by id or by name; their own
 * time entries (another person's answer 404); totals per day or week and project. Input
 * arrives validated against its DTO; what is checked here needs the database or the person's
 * calendar: membership, archived levels, allowed kinds, "not after today", 24 hours a day.
 */
@Injectable()
export class TimesheetsService {
  constructor(private readonly repo: TimesheetsRepository) {}

  /** Today in the person's time zone, which every answer carries. */
  async today(userId: string): Promise<TodayDto> {
    const stored = await this.repo.timeZoneOf(userId);
    // A zone the runtime no longer knows (ICU updates) falls back rather than failing.
    const timeZone = stored && isTimeZone(stored) ? stored : TIMESHEET_RULES.timeZone.default;
    return { today: todayIn(timeZone), timeZone };
  }

  async updateSettings(userId: string, dto: UpdateTimesheetSettingsDto): Promise<TodayDto> {
    await this.repo.saveTimeZone(userId, dto.timeZone);
    return this.today(userId);
  }

  // ── The hierarchy, as the person sees it ───────────────────────────────────────────────

  async customers(person: TimesheetPerson, q: MyCustomersQueryDto): Promise<MyCustomerListDto> {
    const rows = await this.repo.visible('customer', person.userId, this.listing(q.search));
    return {
      ...(await this.today(person.userId)),
      items: rows.map(({ id, name }) => ({ id, name })),
    };
  }

  async projects(person: TimesheetPerson, q: MyProjectsQueryDto): Promise<MyProjectListDto> {
    const customer = q.customer
      ? await this.resolve('customer', person.userId, q.customer, {})
      : undefined;
    const rows = await this.repo.visible('project', person.userId, {
      ...this.listing(q.search),
      customerId: customer?.id,
    });
    return { ...(await this.today(person.userId)), items: rows.map(projectOf) };
  }

  async phases(person: TimesheetPerson, q: MyPhasesQueryDto): Promise<MyPhaseListDto> {
    const project = await this.resolveProject(person.userId, q.project, q.customer);
    const rows = await this.repo.visible('phase', person.userId, {
      ...this.listing(q.search),
      projectId: project.id,
    });
    return {
      ...(await this.today(person.userId)),
      items: rows.map((r) => ({ ...projectOf(r), projectId: r.projectId!, project: r.project! })),
    };
  }

  async activities(person: TimesheetPerson, q: MyActivitiesQueryDto): Promise<MyActivityListDto> {
    const project = q.project ? await this.resolveProject(person.userId, q.project) : undefined;
    const phase = await this.resolve('phase', person.userId, q.phase, { projectId: project?.id });
    const rows = await this.repo.visible('activity', person.userId, {
      ...this.listing(q.search),
      phaseId: phase.id,
    });
    return { ...(await this.today(person.userId)), items: rows.map(activityOf) };
  }

  async kinds(person: TimesheetPerson, q: MyKindsQueryDto): Promise<MyKindListDto> {
    const project = await this.resolveProject(person.userId, q.project);
    const activity = q.activity
      ? await this.resolve('activity', person.userId, q.activity, { projectId: project.id })
      : null;
    return {
      ...(await this.today(person.userId)),
      project: projectOf(project),
      activity: activity ? activityOf(activity) : null,
      items: await this.repo.allowedKinds(project.id, activity?.id ?? null),
    };
  }

  // ── Time entries ───────────────────────────────────────────────────────────────────────

  /**
   * Books time. With an idempotency key (the `idempotencyKey` field, or an Idempotency-Key
   * header over REST), a retry with the same request gets the first entry back and stores
   * nothing; the same key with another request is refused (422).
   */
  async createEntry(
    person: TimesheetPerson,
    dto: CreateTimeEntryDto,
    headerKey?: string,
  ): Promise<CreatedEntry> {
    const key = idempotencyKeyOf(headerKey, dto.idempotencyKey);
    const requestHash = key ? hashOf(dto) : null;
    const now = await this.today(person.userId);
    const replay = async (previous: { id: string; requestHash: string }) => {
      if (previous.requestHash !== requestHash) {
        throw new DomainException(
          'IDEMPOTENCY_KEY_REUSED',
          'This idempotencyKey was already used for another entry: use a new key for a new entry',
        );
      }
      const body = await this.result(person.userId, previous.id, now);
      return { status: 201, body: { ...body, replayed: true }, replayed: true };
    };
    if (key) {
      const previous = await this.repo.findEntryByKey(person.userId, key);
      if (previous) return replay(previous);
    }

    checkNotAfterToday(dto.date, now);
    const activity = await this.bookableActivity(person.userId, dto);
    const kind = await this.allowedKind(dto.kind, activity);
    try {
      const outcome = await this.repo.inPersonDays(person.userId, [dto.date], async (day) => {
        const previous = key ? await day.findByKey(key) : null;
        if (previous) return { replay: true as const, previous };
        checkDayCap(dto.date, await day.minutesOn(dto.date), dto.durationMinutes);
        const id = await day.insert({
          projectId: activity.projectId!,
          activityId: activity.id,
          kindId: kind.id,
          date: dto.date,
          durationMinutes: dto.durationMinutes,
          comment: dto.comment || null,
          billable: dto.billable ?? TIMESHEET_RULES.billableByDefault,
          idempotencyKey: key ?? null,
          requestHash,
          oauthClientId: person.clientId,
        });
        return { replay: false as const, id };
      });
      if (outcome.replay) return await replay(outcome.previous);
      const body = await this.result(person.userId, outcome.id, now);
      return { status: 201, body: { ...body, replayed: false }, replayed: false };
    } catch (err) {
      if (!key || !isUniqueViolation(err)) throw err;
      // A concurrent retry with the same key (on another day's lock) committed first.
      const previous = await this.repo.findEntryByKey(person.userId, key);
      if (!previous) throw err;
      return replay(previous);
    }
  }

  async entries(person: TimesheetPerson, q: MyTimeEntriesQueryDto): Promise<TimeEntryListDto> {
    const now = await this.today(person.userId);
    const to = q.to ?? now.today;
    const from = q.from ?? to;
    checkRange(from, to);
    const project = q.project
      ? await this.resolve('project', person.userId, q.project, {}, true)
      : undefined;
    const filter = { userId: person.userId, projectId: project?.id, from, to };
    const limit = q.limit ?? TIMESHEET_RULES.entriesPage.default;
    const [rows, totalMinutes] = await Promise.all([
      this.repo.listEntries(filter, { offset: q.offset ?? 0, limit: limit + 1 }),
      this.repo.totalMinutes(filter),
    ]);
    return {
      ...now,
      from,
      to,
      totalMinutes,
      total: formatDuration(totalMinutes),
      items: rows.slice(0, limit).map(entryOf),
      hasMore: rows.length > limit,
    };
  }

  /** Changes the person's own entry (another person's: 404), checking it as a new one. */
  async updateEntry(
    person: TimesheetPerson,
    id: string,
    dto: UpdateTimeEntryDto,
  ): Promise<TimeEntryResultDto> {
    const now = await this.today(person.userId);
    const current = await this.changeableEntry(person.userId, id);
    if ((dto.project || dto.phase) && !dto.activity) {
      throw DomainException.invalidField(
        'activity',
        'Name the activity too: project and phase only tell apart activities of the same name',
      );
    }
    if (dto.date) checkNotAfterToday(dto.date, now);
    const activity = dto.activity
      ? await this.bookableActivity(person.userId, {
          activity: dto.activity,
          project: dto.project,
          phase: dto.phase,
        })
      : null;
    // A new activity must allow the entry's kind too, so the kind is checked again then.
    const kindRef = dto.kind ?? (activity ? current.kindId : undefined);
    const kind = kindRef
      ? await this.allowedKind(kindRef, activity ?? activityOfEntry(current))
      : null;
    const date = dto.date ?? current.date;
    const minutes = dto.durationMinutes ?? current.durationMinutes;
    await this.repo.inPersonDays(person.userId, [date], async (day) => {
      checkDayCap(date, await day.minutesOn(date, id), minutes);
      await day.update(id, {
        date: dto.date,
        durationMinutes: dto.durationMinutes,
        activityId: activity?.id,
        projectId: activity?.projectId ?? undefined,
        kindId: kind?.id,
        comment: dto.comment === undefined ? undefined : dto.comment || null,
        billable: dto.billable,
      });
    });
    return this.result(person.userId, id, now);
  }

  async deleteEntry(person: TimesheetPerson, id: string): Promise<DeletedTimeEntryDto> {
    const now = await this.today(person.userId);
    const current = await this.changeableEntry(person.userId, id);
    await this.repo.inPersonDays(person.userId, [current.date], (day) => day.delete(id));
    return { ...now, ...(await this.dayOf(person.userId, current)), deleted: true };
  }

  /** Minutes per day or week and project over a range (default: this week so far). */
  async summary(person: TimesheetPerson, q: MySummaryQueryDto): Promise<MySummaryDto> {
    const now = await this.today(person.userId);
    const to = q.to ?? now.today;
    const from = q.from ?? weekStart(to);
    checkRange(from, to);
    const groupBy = q.groupBy ?? 'day';
    const rows = await this.repo.minutesByPeriod({ userId: person.userId, from, to }, groupBy);
    const periods = new Map<string, PeriodMinutesRow[]>();
    for (const row of rows) periods.set(row.period, [...(periods.get(row.period) ?? []), row]);
    const totalMinutes = rows.reduce((sum, r) => sum + r.minutes, 0);
    return {
      ...now,
      from,
      to,
      groupBy,
      totalMinutes,
      totalHours: toHours(totalMinutes),
      periods: [...periods].map(([period, projects]) => {
        const minutes = projects.reduce((sum, r) => sum + r.minutes, 0);
        return { period, minutes, hours: toHours(minutes), projects: projects.map(minutesOf) };
      }),
      projects: totalsPerProject(rows),
    };
  }

  /** Everyone's entries for staff (the CSV export reads the same repository method). */
  async staffEntries(q: StaffEntriesQueryDto): Promise<StaffTimeEntryListDto> {
    checkRange(q.from, q.to);
    const limit = q.limit ?? TIMESHEET_RULES.entriesPage.default;
    const rows = await this.repo.listEntries(
      { userId: q.userId, projectId: q.projectId, from: q.from, to: q.to },
      { offset: q.offset ?? 0, limit: limit + 1 },
    );
    return {
      items: rows.slice(0, limit).map((r) => ({ ...entryOf(r), userId: r.userId })),
      hasMore: rows.length > limit,
    };
  }

  // ── Rules ──────────────────────────────────────────────────────────────────────────────

  private listing(search?: string) {
    return { text: search, limit: TIMESHEET_RULES.listLimit };
  }

  /**
   * One level the person sees, by id or by name: an exact name (case and accents ignored)
   * wins over a partial one, an active item over an archived one; still several → the person
   * must say which.
   */
  private async resolve(
    level: PersonLevel,
    userId: string,
    ref: string,
    scope: { customerId?: string; projectId?: string; phaseId?: string },
    includeArchived = false,
  ): Promise<VisibleRow> {
    const byId = isUuid(ref);
    const rows = await this.repo.visible(level, userId, {
      ...scope,
      ...(byId ? { id: ref } : { text: ref }),
      includeArchived,
      limit: MATCH_LIMIT,
    });
    const words = LEVEL_WORDS[level];
    if (!rows.length) {
      throw new DomainException(
        'NOT_FOUND',
        `No ${words.one} "${ref}" among yours: call ${words.tool} to see them`,
      );
    }
    const candidates = best(rows, byId, (r) => r.archived || r.projectArchived);
    if (candidates.length === 1) return candidates[0];
    const shown = candidates.slice(0, TIMESHEET_RULES.ambiguousShown).map(describe).join('; ');
    throw DomainException.invalidField(
      level,
      `"${ref}" matches several ${words.many}: ${shown}. Say which one (or give its id)`,
    );
  }

  private async resolveProject(userId: string, ref: string, customerRef?: string) {
    const customer = customerRef
      ? await this.resolve('customer', userId, customerRef, {})
      : undefined;
    return this.resolve('project', userId, ref, { customerId: customer?.id });
  }

  /** The activity time goes on: the person's, active, its project and customer active. */
  private async bookableActivity(
    userId: string,
    ref: { activity: string; project?: string; phase?: string },
  ): Promise<VisibleRow> {
    const project = ref.project
      ? await this.resolve('project', userId, ref.project, {}, true)
      : undefined;
    const phase = ref.phase
      ? await this.resolve('phase', userId, ref.phase, { projectId: project?.id }, true)
      : undefined;
    const activity = await this.resolve(
      'activity',
      userId,
      ref.activity,
      { projectId: project?.id, phaseId: phase?.id },
      true,
    );
    if (activity.projectArchived) {
      throw new DomainException(
        'CONFLICT',
        `The project ${activity.project} (${activity.customer}) is archived: no time can be booked on it`,
      );
    }
    if (activity.archived) {
      throw new DomainException(
        'CONFLICT',
        `The activity ${activity.name} (${activity.phase}, ${activity.project}) is archived: no time can be booked on it`,
      );
    }
    return activity;
  }

  /** A kind, by id or name, that the activity (or its project) allows. */
  private async allowedKind(ref: string, activity: VisibleRow): Promise<KindRef> {
    const allowed = await this.repo.allowedKinds(activity.projectId!, activity.id);
    const where = `${activity.name} (${activity.project})`;
    const names = allowed.map((k) => k.name).join(', ') || 'none';
    const byId = isUuid(ref);
    const matches = await this.repo.findKinds(byId ? { id: ref } : { text: ref }, MATCH_LIMIT);
    const allowedIds = new Set(allowed.map((k) => k.id));
    const usable = matches.filter((k) => allowedIds.has(k.id));
    if (!usable.length) {
      if (!matches.length) {
        throw new DomainException(
          'NOT_FOUND',
          `No kind of work "${ref}": the kinds allowed on ${where} are ${names}`,
        );
      }
      throw DomainException.invalidField(
        'kind',
        `${matches[0].name} is not allowed on ${where}: use one of ${names}`,
      );
    }
    const candidates = best(usable, byId, () => false);
    if (candidates.length === 1) return { id: candidates[0].id, name: candidates[0].name };
    throw DomainException.invalidField(
      'kind',
      `"${ref}" matches several kinds: ${candidates.map((k) => k.name).join(', ')}. Say which one`,
    );
  }

  /** An entry of the person's that may still change: its project is not archived. */
  private async changeableEntry(userId: string, id: string): Promise<EntryRow> {
    const entry = await this.repo.findEntry(id, userId);
    if (!entry) throw DomainException.notFound('Time entry');
    if (entry.projectArchived) {
      throw new DomainException(
        'CONFLICT',
        `This entry is on ${entry.project} (${entry.customer}), which is archived: it can no longer change`,
      );
    }
    return entry;
  }

  private async result(userId: string, id: string, now: TodayDto): Promise<TimeEntryResultDto> {
    const entry = await this.repo.findEntry(id, userId);
    if (!entry) throw DomainException.notFound('Time entry');
    return { ...now, ...(await this.dayOf(userId, entry)) };
  }

  private async dayOf(userId: string, entry: EntryRow) {
    const dayTotalMinutes = await this.repo.totalMinutes({
      userId,
      from: entry.date,
      to: entry.date,
    });
    return {
      entry: entryOf(entry),
      dayTotalMinutes,
      dayTotal: formatDuration(dayTotalMinutes),
      dayRemainingMinutes: Math.max(0, TIMESHEET_RULES.dayCapMinutes - dayTotalMinutes),
    };
  }
}

/** Exact names first (an id is exact), then active ones (or all if none is). */
function best<T extends { exact: boolean }>(
  rows: T[],
  byId: boolean,
  archived: (row: T) => boolean,
): T[] {
  const exact = byId ? rows : rows.filter((r) => r.exact);
  const pool = exact.length ? exact : rows;
  const active = pool.filter((r) => !archived(r));
  return active.length ? active : pool;
}

/** An entry's activity as the kind check needs it (the person may have left the project). */
function activityOfEntry(entry: EntryRow): VisibleRow {
  return {
    id: entry.activityId,
    name: entry.activity,
    customerId: entry.customerId,
    customer: entry.customer,
    projectId: entry.projectId,
    project: entry.project,
    phaseId: entry.phaseId,
    phase: entry.phase,
    projectArchived: entry.projectArchived,
    archived: false,
    exact: true,
  };
}

function describe(row: VisibleRow): string {
  const path = [row.phase, row.project, row.customer].filter((p) => p && p !== row.name);
  return path.length ? `${row.name} (${path.join(', ')})` : row.name;
}

function projectOf(row: VisibleRow): MyProjectDto {
  return { id: row.id, name: row.name, customerId: row.customerId, customer: row.customer };
}

function activityOf(row: VisibleRow) {
  return {
    ...projectOf(row),
    projectId: row.projectId!,
    project: row.project!,
    phaseId: row.phaseId!,
    phase: row.phase!,
  };
}

function entryOf(row: EntryRow): TimeEntryDto {
  const { userId: _userId, ...entry } = row;
  return { ...entry, duration: formatDuration(row.durationMinutes) };
}

function minutesOf(row: PeriodMinutesRow): ProjectMinutesDto {
  const { projectId, project, customer, minutes } = row;
  return { projectId, project, customer, minutes, hours: toHours(minutes) };
}

function totalsPerProject(rows: PeriodMinutesRow[]): ProjectMinutesDto[] {
  const totals = new Map<string, PeriodMinutesRow>();
  for (const row of rows) {
    const total = totals.get(row.projectId);
    totals.set(row.projectId, total ? { ...total, minutes: total.minutes + row.minutes } : row);
  }
  return [...totals.values()].sort((a, b) => b.minutes - a.minutes).map(minutesOf);
}

function idempotencyKeyOf(header: string | undefined, field: string | undefined) {
  if (header !== undefined && !TIMESHEET_RULES.idempotencyKey.pattern.test(header)) {
    throw DomainException.invalidField(
      'Idempotency-Key',
      'Idempotency-Key must be 1-255 visible ASCII characters',
    );
  }
  if (header && field && header !== field) {
    throw DomainException.invalidField(
      'idempotencyKey',
      'The Idempotency-Key header and the idempotencyKey field differ',
    );
  }
  return header ?? field;
}

/** The creating request, fields in a fixed order (the key itself left out). */
function hashOf(dto: CreateTimeEntryDto): string {
  const { date, activity, project, phase, kind, durationMinutes, comment, billable } = dto;
  return sha256Hex(
    JSON.stringify([date, activity, project, phase, kind, durationMinutes, comment, billable]),
  );
}

function checkNotAfterToday(date: string, now: TodayDto) {
  if (date > now.today) {
    throw DomainException.invalidField(
      'date',
      `${date} is after today (${now.today} in ${now.timeZone}): book time once it is worked`,
    );
  }
}

/** A range the listings, summaries and exports accept: `from` ≤ `to`, at most a year. */
export function checkRange(from: string, to: string) {
  if (from > to) throw DomainException.invalidField('from', `from (${from}) is after to (${to})`);
  if (daysBetween(from, to) >= TIMESHEET_RULES.maxRangeDays) {
    throw DomainException.invalidField(
      'to',
      `A range spans at most ${TIMESHEET_RULES.maxRangeDays} days: ${from} to ${addDays(from, TIMESHEET_RULES.maxRangeDays - 1)} at most`,
    );
  }
}

/** No more than 24 hours on one day for one person. */
function checkDayCap(date: string, booked: number, adding: number) {
  const cap = TIMESHEET_RULES.dayCapMinutes;
  if (booked + adding <= cap) return;
  const left = cap - booked;
  throw new DomainException(
    'CONFLICT',
    `You already have ${formatDuration(booked)} on ${date}: ${formatDuration(adding)} more would pass 24 h a day (${left > 0 ? `${formatDuration(left)} left` : 'nothing left'} that day)`,
  );
}
