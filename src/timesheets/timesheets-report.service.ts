import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception';
import { UsersService } from '../users/users.service';
import { addDays, isCalendarDate, todayIn, toHours, weekStart } from './calendar';
import { toCsv } from './csv';
import type {
  ExportEntriesQueryDto,
  WeekPersonRow,
  WeekProjectRow,
  WeekReport,
} from './dto/timesheet-report.dto';
import { checkRange } from './timesheets.service';
import { TIMESHEET_RULES } from './timesheets.rules';
import { TimesheetsRepository } from './timesheets.repository';

const CSV_HEADER = [
  'date',
  'person',
  'email',
  'customer',
  'project',
  'phase',
  'activity',
  'kind',
  'minutes',
  'hours',
  'billable',
  'comment',
  'id',
];

export interface EntriesCsv {
  filename: string;
  /** The document, BOM included. */
  csv: string;
  entries: number;
}

/**
 * What staff read about everyone's time: the CSV export of a filtered list of entries (REST
 * and back-office alike) and the back-office's week view.
 */
@Injectable()
export class TimesheetsReportService {
  constructor(
    private readonly repo: TimesheetsRepository,
    private readonly users: UsersService,
  ) {}

  /** The entries of the filter as CSV, oldest day first; more than the limit is refused. */
  async exportCsv(q: ExportEntriesQueryDto): Promise<EntriesCsv> {
    checkRange(q.from, q.to);
    const filter = { userId: q.userId, projectId: q.projectId, from: q.from, to: q.to };
    const count = await this.repo.entryCount(filter);
    const max = TIMESHEET_RULES.exportMaxEntries;
    if (count > max) {
      throw DomainException.invalidField(
        'from',
        `This filter has ${count} entries; an export holds at most ${max}: narrow the dates, or choose a person or a project`,
      );
    }
    const rows = await this.repo.listEntries(filter);
    const people = await this.people(rows.map((r) => r.userId));
    const csv = toCsv(
      CSV_HEADER,
      rows.map((r) => [
        r.date,
        people.get(r.userId)?.name ?? '',
        people.get(r.userId)?.email ?? '',
        r.customer,
        r.project,
        r.phase,
        r.activity,
        r.kind,
        r.durationMinutes,
        toHours(r.durationMinutes),
        r.billable,
        r.comment,
        r.id,
      ]),
    );
    return { filename: `timesheets-${q.from}-${q.to}.csv`, csv, entries: rows.length };
  }

  /**
   * Everyone's hours in the week holding `date` (default: this week in the default time zone):
   * per project and day, per person, and in total.
   */
  async week(date?: string): Promise<WeekReport> {
    const day =
      date && isCalendarDate(date) && date >= TIMESHEET_RULES.date.min
        ? date
        : todayIn(TIMESHEET_RULES.timeZone.default);
    const week = weekStart(day);
    const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
    const range = { from: days[0], to: days[6] };
    const [perDay, perPerson] = await Promise.all([
      this.repo.minutesByPeriod(range, 'day'),
      this.repo.minutesByPerson(range),
    ]);
    const projects = new Map<string, WeekProjectRow>();
    for (const row of perDay) {
      const project = projects.get(row.projectId) ?? {
        projectId: row.projectId,
        project: row.project,
        customer: row.customer,
        days: days.map(() => 0),
        minutes: 0,
        hours: 0,
      };
      project.days[days.indexOf(row.period)] += row.minutes;
      project.minutes += row.minutes;
      project.hours = toHours(project.minutes);
      projects.set(row.projectId, project);
    }
    const names = await this.people(perPerson.map((p) => p.userId));
    const people: WeekPersonRow[] = perPerson.map(({ userId, minutes }) => ({
      userId,
      name: names.get(userId)?.name ?? '',
      email: names.get(userId)?.email ?? '',
      minutes,
      hours: toHours(minutes),
    }));
    const dayMinutes = days.map((d) =>
      perDay.filter((r) => r.period === d).reduce((sum, r) => sum + r.minutes, 0),
    );
    const totalMinutes = dayMinutes.reduce((a, b) => a + b, 0);
    return {
      week,
      previousWeek: addDays(week, -7),
      nextWeek: addDays(week, 7),
      days,
      projects: [...projects.values()].sort(
        (a, b) => b.minutes - a.minutes || a.project.localeCompare(b.project),
      ),
      people,
      dayMinutes,
      totalMinutes,
      totalHours: toHours(totalMinutes),
    };
  }

  private async people(ids: string[]) {
    const map = new Map<string, { name: string; email: string }>();
    for (const id of new Set(ids)) {
      const user = await this.users.findById(id);
      if (user) map.set(id, { name: user.name, email: user.email });
    }
    return map;
  }
}
