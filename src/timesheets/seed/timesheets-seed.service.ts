import { Injectable } from '@nestjs/common';
import { DomainException } from '../../common/errors/domain.exception';
import { validateInput } from '../../common/http/validate-input';
import { CreateUserDto } from '../../users/dto/user.dto';
import { UsersService } from '../../users/users.service';
import { addDays, todayIn, weekStart } from '../calendar';
import type { Level } from '../dto/timesheet-hierarchy.dto';
import { CreateTimeEntryDto } from '../dto/time-entry.dto';
import { TimesheetsHierarchyService } from '../timesheets-hierarchy.service';
import { TIMESHEET_RULES } from '../timesheets.rules';
import { TimesheetsService } from '../timesheets.service';
import { SEED_CUSTOMERS, SEED_KINDS, SEED_PEOPLE, SEED_WEEKS, seedDay } from './seed-timesheets';

/** The assistant id the seeded entries carry (they were booked by no OAuth client). */
const SEED_CLIENT = 'db:seed';
const SKIPPED = new Set<string>(['CONFLICT', 'IDEMPOTENCY_KEY_REUSED']);

export interface TimesheetsSeedReport {
  /** Levels and people created by this run (0 each on a second run). */
  created: Record<Level | 'person', number>;
  people: { email: string; created: boolean; generatedPassword?: string }[];
  entries: { created: number; present: number };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Loads the demonstration timesheets through the same services as the API: what exists (by
 * name, case and accents ignored) is kept, and every entry is booked with its own idempotency
 * key, so a second run the same day creates nothing.
 */
@Injectable()
export class TimesheetsSeedService {
  constructor(
    private readonly hierarchy: TimesheetsHierarchyService,
    private readonly timesheets: TimesheetsService,
    private readonly users: UsersService,
  ) {}

  async run(): Promise<TimesheetsSeedReport> {
    const created: TimesheetsSeedReport['created'] = {
      customer: 0,
      project: 0,
      phase: 0,
      activity: 0,
      kind: 0,
      person: 0,
    };
    const ensure = async (level: Level, name: string, parent?: Record<string, string>) => {
      const parentId = parent ? Object.values(parent)[0] : undefined;
      const { items } = await this.hierarchy.list(level, {
        parentId,
        search: name,
        includeArchived: true,
      });
      const found = items.find((i) => fold(i.name) === fold(name));
      if (found) return found.id;
      created[level]++;
      return (await this.hierarchy.create(level, { name, ...parent })).id;
    };

    const kinds = new Map<string, string>();
    for (const kind of SEED_KINDS) kinds.set(kind, await ensure('kind', kind));

    const people: TimesheetsSeedReport['people'] = [];
    const userIds = new Map<string, string>();
    for (const p of SEED_PEOPLE) {
      const existing = await this.users.findActiveByEmail(p.email);
      if (existing) {
        userIds.set(p.key, existing.id);
        people.push({ email: p.email, created: false });
        continue;
      }
      const dto = await validateInput(CreateUserDto, {
        email: p.email,
        name: p.name,
        role: 'user',
      });
      const { user, generatedPassword } = await this.users.create(dto);
      created.person++;
      userIds.set(p.key, user.id);
      people.push({ email: p.email, created: true, generatedPassword });
    }

    for (const customer of SEED_CUSTOMERS) {
      const customerId = await ensure('customer', customer.name);
      for (const project of customer.projects) {
        const before = created.project;
        const projectId = await ensure('project', project.name, { customerId });
        // The kinds a project allows are set when it is created, never changed afterwards.
        if (created.project > before && project.kinds) {
          const kindIds = project.kinds.map((k) => kinds.get(k)!);
          await this.hierarchy.setKinds('project', projectId, { kindIds });
        }
        for (const phase of project.phases) {
          const phaseId = await ensure('phase', phase.name, { projectId });
          for (const activity of phase.activities) await ensure('activity', activity, { phaseId });
        }
        for (const member of project.members) {
          await this.hierarchy.addMember(projectId, { userId: userIds.get(member)! });
        }
      }
    }

    const entries = { created: 0, present: 0 };
    const today = todayIn(TIMESHEET_RULES.timeZone.default);
    const first = addDays(weekStart(today), -7 * SEED_WEEKS);
    for (let date = first; date <= today; date = addDays(date, 1)) {
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      for (const [n, entry] of seedDay(weekday).entries()) {
        const { person, ...fields } = entry;
        const dto = await validateInput(CreateTimeEntryDto, {
          date,
          ...fields,
          idempotencyKey: `seed-${person}-${date}-${n}`,
        });
        try {
          const { replayed } = await this.timesheets.createEntry(
            { userId: userIds.get(person)!, clientId: SEED_CLIENT },
            dto,
          );
          entries[replayed ? 'present' : 'created']++;
        } catch (err) {
          // A day already full, a project archived since, or a key an older seed used for
          // another entry: the demonstration skips it.
          if (err instanceof DomainException && SKIPPED.has(err.code)) continue;
          throw err;
        }
      }
    }
    return { created, people, entries };
  }
}
