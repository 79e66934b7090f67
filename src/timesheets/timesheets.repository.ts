import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { escapeLike } from '../common/text';
import type { Level } from './dto/timesheet-hierarchy.dto';
import { TimeEntryEntity } from './entities/time-entry.entity';

/** How each level is stored: its table, and the column naming the level above it. */
const LEVEL_TABLES: Record<Level, { table: string; parent: string | null }> = {
  customer: { table: 'timesheet_customers', parent: null },
  project: { table: 'timesheet_projects', parent: 'customer_id' },
  phase: { table: 'timesheet_phases', parent: 'project_id' },
  activity: { table: 'timesheet_activities', parent: 'phase_id' },
  kind: { table: 'timesheet_kinds', parent: null },
};

/** Booked entries under a level: the join from `timesheet_entries e` down to it. */
const BOOKED_UNDER: Record<Level, string> = {
  customer: `JOIN timesheet_projects p ON p.id = e.project_id WHERE p.customer_id = $1`,
  project: `WHERE e.project_id = $1`,
  phase: `JOIN timesheet_activities a ON a.id = e.activity_id WHERE a.phase_id = $1`,
  activity: `WHERE e.activity_id = $1`,
  kind: `WHERE e.kind_id = $1`,
};

/** Arbitrary namespace of the per-person-day advisory locks (the 24-hour rule). */
const DAY_LOCK_NAMESPACE = 16_042_026;

export interface LevelRow {
  id: string;
  name: string;
  parentId: string | null;
  archived: boolean;
  createdAt: Date;
}

export interface KindRef {
  id: string;
  name: string;
}

/** A level a person sees, with the names of the levels above it. */
export interface VisibleRow {
  id: string;
  name: string;
  customerId: string;
  customer: string;
  projectId: string | null;
  project: string | null;
  phaseId: string | null;
  phase: string | null;
  /** Its customer or project is archived. */
  projectArchived: boolean;
  /** It (a phase or activity), or its phase, is archived. */
  archived: boolean;
  /** Its name equals the text searched (case and accents ignored). */
  exact: boolean;
}

export interface VisibleFilter {
  customerId?: string;
  projectId?: string;
  phaseId?: string;
  id?: string;
  /** Part of the name (case and accents ignored). */
  text?: string;
  /** Archived ones too (flagged): a name resolves to them with a clear error. */
  includeArchived?: boolean;
  limit: number;
}

export interface KindMatch extends KindRef {
  archived: boolean;
  exact: boolean;
}

export interface EntryRow {
  id: string;
  userId: string;
  date: string;
  durationMinutes: number;
  comment: string | null;
  billable: boolean;
  customerId: string;
  customer: string;
  projectId: string;
  project: string;
  phaseId: string;
  phase: string;
  activityId: string;
  activity: string;
  kindId: string;
  kind: string;
  projectArchived: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Which entries: the person's listing, the staff listing and the CSV export all read this. */
export interface EntryFilter {
  userId?: string;
  projectId?: string;
  id?: string;
  from?: string;
  to?: string;
}

export interface NewEntry {
  userId: string;
  projectId: string;
  activityId: string;
  kindId: string;
  date: string;
  durationMinutes: number;
  comment: string | null;
  billable: boolean;
  idempotencyKey: string | null;
  requestHash: string | null;
  oauthClientId: string | null;
}

export type EntryChange = Partial<
  Pick<
    NewEntry,
    'projectId' | 'activityId' | 'kindId' | 'date' | 'durationMinutes' | 'comment' | 'billable'
  >
>;

export type MinutesPeriod = 'day' | 'week';

export interface PeriodMinutesRow {
  period: string;
  projectId: string;
  project: string;
  customer: string;
  minutes: number;
}

const rowsOf = <T>(result: unknown): T[] =>
  // TypeORM answers UPDATE/DELETE with [rows, count], other statements with rows.
  (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];

const ENTRY_COLUMNS = `e.id, e.user_id AS "userId", to_char(e.date, 'YYYY-MM-DD') AS date,
  e.duration_minutes AS "durationMinutes", e.comment, e.billable,
  c.id AS "customerId", c.name AS customer, p.id AS "projectId", p.name AS project,
  ph.id AS "phaseId", ph.name AS phase, a.id AS "activityId", a.name AS activity,
  k.id AS "kindId", k.name AS kind,
  (p.archived_at IS NOT NULL OR c.archived_at IS NOT NULL) AS "projectArchived",
  e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

const ENTRY_JOINS = `timesheet_entries e
  JOIN timesheet_projects p ON p.id = e.project_id
  JOIN timesheet_customers c ON c.id = p.customer_id
  JOIN timesheet_activities a ON a.id = e.activity_id
  JOIN timesheet_phases ph ON ph.id = a.phase_id
  JOIN timesheet_kinds k ON k.id = e.kind_id`;

function entryWhere(filter: EntryFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.userId) add('e.user_id = ?', filter.userId);
  if (filter.projectId) add('e.project_id = ?', filter.projectId);
  if (filter.id) add('e.id = ?', filter.id);
  if (filter.from) add('e.date >= ?::date', filter.from);
  if (filter.to) add('e.date <= ?::date', filter.to);
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

/** A name containing `text`, case and accents ignored (the migration's `timesheet_fold`). */
const CONTAINS = (column: string, param: string) =>
  `timesheet_fold(${column}) LIKE '%' || timesheet_fold(${param}) || '%' ESCAPE '\\'`;
const EQUALS = (column: string, param: string) =>
  `timesheet_fold(${column}) = timesheet_fold(${param})`;

/**
 * The only place that queries the timesheet tables (customers, projects, phases, activities,
 * kinds, their links, entries, settings). Each listing or search has its index (migration
 * 1764720000000).
 */
@Injectable()
export class TimesheetsRepository {
  private readonly manager: EntityManager;

  // SQL throughout: the listings join four levels and fold names, which the ORM cannot say.
  constructor(@InjectRepository(TimeEntryEntity) entries: Repository<TimeEntryEntity>) {
    this.manager = entries.manager;
  }

  // ── Levels (staff) ──────────────────────────────────────────────────────────────────────

  /** Inserts a level; a name taken under the same parent fails with a unique violation. */
  insertLevel(level: Level, name: string, parentId: string | null): Promise<LevelRow> {
    const { table, parent } = LEVEL_TABLES[level];
    const sql = parent
      ? `INSERT INTO ${table} (name, ${parent}) VALUES ($1, $2) RETURNING ${levelColumns(level)}`
      : `INSERT INTO ${table} (name) VALUES ($1) RETURNING ${levelColumns(level)}`;
    return this.one<LevelRow>(sql, parent ? [name, parentId] : [name]);
  }

  async findLevel(level: Level, id: string): Promise<LevelRow | null> {
    const { table } = LEVEL_TABLES[level];
    const rows = await this.rows<LevelRow>(
      `SELECT ${levelColumns(level)} FROM ${table} WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Renames and/or archives (`archived_at` kept from the first archiving) a level. */
  async updateLevel(
    level: Level,
    id: string,
    change: { name?: string; archived?: boolean },
  ): Promise<LevelRow | null> {
    const { table } = LEVEL_TABLES[level];
    const sets = ['updated_at = now()'];
    const params: unknown[] = [id];
    if (change.name !== undefined) {
      params.push(change.name);
      sets.push(`name = $${params.length}`);
    }
    if (change.archived !== undefined) {
      sets.push(
        change.archived ? 'archived_at = coalesce(archived_at, now())' : 'archived_at = NULL',
      );
    }
    const rows = await this.rows<LevelRow>(
      `UPDATE ${table} SET ${sets.join(', ')} WHERE id = $1 RETURNING ${levelColumns(level)}`,
      params,
    );
    return rows[0] ?? null;
  }

  listLevels(
    level: Level,
    filter: { parentId?: string; search?: string; includeArchived?: boolean; limit: number },
  ): Promise<LevelRow[]> {
    const { table, parent } = LEVEL_TABLES[level];
    const params: unknown[] = [];
    const where: string[] = [];
    if (parent && filter.parentId) {
      params.push(filter.parentId);
      where.push(`${parent} = $${params.length}`);
    }
    if (filter.search) {
      params.push(escapeLike(filter.search));
      where.push(CONTAINS('name', `$${params.length}`));
    }
    if (!filter.includeArchived) where.push('archived_at IS NULL');
    params.push(filter.limit);
    return this.rows<LevelRow>(
      `SELECT ${levelColumns(level)} FROM ${table}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY timesheet_fold(name), id LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Deletes a level and what is under it. `booked`: time is booked there (the entries'
   * RESTRICT foreign keys refused it, even if booked since the caller counted).
   */
  async deleteLevel(level: Level, id: string): Promise<'deleted' | 'missing' | 'booked'> {
    try {
      const rows = await this.rows<{ id: string }>(
        `DELETE FROM ${LEVEL_TABLES[level].table} WHERE id = $1 RETURNING id`,
        [id],
      );
      return rows.length > 0 ? 'deleted' : 'missing';
    } catch (err) {
      if (err instanceof QueryFailedError && (err as { code?: string }).code === '23503') {
        return 'booked';
      }
      throw err;
    }
  }

  /** How many time entries are booked on that level or under it. */
  async bookedEntryCount(level: Level, id: string): Promise<number> {
    const [row] = await this.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM timesheet_entries e ${BOOKED_UNDER[level]}`,
      [id],
    );
    return row.n;
  }

  /** The kinds listed on each project or activity (none listed: no entry in the map). */
  async listedKinds(level: 'project' | 'activity', ids: string[]): Promise<Map<string, KindRef[]>> {
    const link = level === 'project' ? 'timesheet_project_kinds' : 'timesheet_activity_kinds';
    const column = `${level}_id`;
    const rows = ids.length
      ? await this.rows<KindRef & { owner: string }>(
          `SELECT l.${column} AS owner, k.id, k.name FROM ${link} l
             JOIN timesheet_kinds k ON k.id = l.kind_id
            WHERE l.${column} = ANY($1::uuid[]) ORDER BY timesheet_fold(k.name)`,
          [ids],
        )
      : [];
    const map = new Map<string, KindRef[]>();
    for (const { owner, id, name } of rows)
      map.set(owner, [...(map.get(owner) ?? []), { id, name }]);
    return map;
  }

  /** Replaces the kinds a project or activity allows. */
  async setKinds(level: 'project' | 'activity', id: string, kindIds: string[]): Promise<void> {
    const link = level === 'project' ? 'timesheet_project_kinds' : 'timesheet_activity_kinds';
    const column = `${level}_id`;
    await this.manager.transaction(async (m) => {
      await m.query(`DELETE FROM ${link} WHERE ${column} = $1`, [id]);
      if (kindIds.length) {
        await m.query(
          `INSERT INTO ${link} (${column}, kind_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
          [id, kindIds],
        );
      }
    });
  }

  /** The ids among these that are kinds. */
  async existingKindIds(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.rows<{ id: string }>(
      `SELECT id FROM timesheet_kinds WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  // ── Memberships ────────────────────────────────────────────────────────────────────────

  async addMember(projectId: string, userId: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO timesheet_project_members (project_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [projectId, userId],
    );
  }

  async removeMember(projectId: string, userId: string): Promise<boolean> {
    const rows = await this.rows<{ user_id: string }>(
      `DELETE FROM timesheet_project_members WHERE project_id = $1 AND user_id = $2 RETURNING user_id`,
      [projectId, userId],
    );
    return rows.length > 0;
  }

  members(projectId: string): Promise<{ userId: string; since: Date }[]> {
    return this.rows(
      `SELECT user_id AS "userId", created_at AS since FROM timesheet_project_members
        WHERE project_id = $1 ORDER BY created_at, user_id`,
      [projectId],
    );
  }

  // ── What a person sees ─────────────────────────────────────────────────────────────────

  /**
   * The customers, projects, phases or activities of the projects a person is assigned to,
   * each with the names above it; matched by id or by part of the name (exact names first,
   * then active ones). Customers are listed only through an active project.
   */
  visible(
    level: Exclude<Level, 'kind'>,
    userId: string,
    filter: VisibleFilter,
  ): Promise<VisibleRow[]> {
    const depth = { customer: 0, project: 1, phase: 2, activity: 3 }[level];
    const alias = ['c', 'p', 'ph', 'a'][depth];
    const params: unknown[] = [userId];
    const where = ['m.user_id = $1'];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.customerId) where.push(`c.id = ${param(filter.customerId)}`);
    if (filter.projectId && depth >= 1) where.push(`p.id = ${param(filter.projectId)}`);
    if (filter.phaseId && depth >= 2) where.push(`ph.id = ${param(filter.phaseId)}`);
    if (filter.id) where.push(`${alias}.id = ${param(filter.id)}`);
    let exact = 'false';
    if (filter.text) {
      where.push(CONTAINS(`${alias}.name`, param(escapeLike(filter.text))));
      exact = EQUALS(`${alias}.name`, param(filter.text));
    }
    const projectArchived = 'c.archived_at IS NOT NULL OR p.archived_at IS NOT NULL';
    const ownArchived =
      depth === 3
        ? 'ph.archived_at IS NOT NULL OR a.archived_at IS NOT NULL'
        : depth === 2
          ? 'ph.archived_at IS NOT NULL'
          : 'false';
    if (!filter.includeArchived || depth === 0) {
      where.push(`NOT (${projectArchived})`, `NOT (${ownArchived})`);
    }
    const above = (d: number, alias: string, level: string) =>
      depth > d
        ? `${alias}.id AS "${level}Id", ${alias}.name AS ${level}`
        : `NULL::uuid AS "${level}Id", NULL::text AS ${level}`;
    return this.rows<VisibleRow>(
      `SELECT DISTINCT ${alias}.id, ${alias}.name,
              c.id AS "customerId", c.name AS customer,
              ${above(1, 'p', 'project')}, ${above(2, 'ph', 'phase')},
              ${depth === 0 ? 'false' : `(${projectArchived})`} AS "projectArchived",
              (${ownArchived}) AS archived, (${exact}) AS exact
         FROM timesheet_project_members m
         JOIN timesheet_projects p ON p.id = m.project_id
         JOIN timesheet_customers c ON c.id = p.customer_id
         ${depth >= 2 ? 'JOIN timesheet_phases ph ON ph.project_id = p.id' : ''}
         ${depth >= 3 ? 'JOIN timesheet_activities a ON a.phase_id = ph.id' : ''}
        WHERE ${where.join(' AND ')}
        ORDER BY exact DESC, archived, "projectArchived", customer, project, phase, name, id
        LIMIT ${param(filter.limit)}`,
      params,
    );
  }

  /** Kinds by id or part of the name, archived ones flagged (exact names first). */
  findKinds(ref: { id?: string; text?: string }, limit: number): Promise<KindMatch[]> {
    const [condition, exact] = ref.id
      ? ['id = $1', 'true']
      : [CONTAINS('name', `$2`), EQUALS('name', '$1')];
    return this.rows<KindMatch>(
      `SELECT id, name, archived_at IS NOT NULL AS archived, ${exact} AS exact
         FROM timesheet_kinds WHERE ${condition}
        ORDER BY exact DESC, archived, timesheet_fold(name) LIMIT ${ref.id ? '$2' : '$3'}`,
      ref.id ? [ref.id, limit] : [ref.text, escapeLike(ref.text ?? ''), limit],
    );
  }

  /**
   * The active kinds allowed on an activity: those its project lists (none listed: all), and
   * among them those the activity lists if it lists some (`activityId` null: the project's).
   */
  allowedKinds(projectId: string, activityId: string | null): Promise<KindRef[]> {
    return this.rows<KindRef>(
      `WITH own AS (SELECT kind_id FROM timesheet_activity_kinds WHERE activity_id = $2),
            project AS (SELECT kind_id FROM timesheet_project_kinds WHERE project_id = $1)
       SELECT k.id, k.name FROM timesheet_kinds k
        WHERE k.archived_at IS NULL
          AND (NOT EXISTS (SELECT 1 FROM own) OR k.id IN (SELECT kind_id FROM own))
          AND (NOT EXISTS (SELECT 1 FROM project) OR k.id IN (SELECT kind_id FROM project))
        ORDER BY timesheet_fold(k.name)`,
      [projectId, activityId],
    );
  }

  // ── Time entries ───────────────────────────────────────────────────────────────────────

  /**
   * Entries with the names of their customer, project, phase, activity and kind, oldest day
   * first: a person's listing, the staff listing, and the CSV export (no limit) read this.
   */
  listEntries(filter: EntryFilter, page?: { offset: number; limit: number }): Promise<EntryRow[]> {
    const params: unknown[] = [];
    const where = entryWhere(filter, params);
    let paging = '';
    if (page) {
      params.push(page.limit, page.offset);
      paging = `LIMIT $${params.length - 1} OFFSET $${params.length}`;
    }
    return this.rows<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_JOINS} ${where}
        ORDER BY e.date, e.created_at, e.id ${paging}`,
      params,
    );
  }

  async findEntry(id: string, userId: string): Promise<EntryRow | null> {
    const [row] = await this.listEntries({ id, userId });
    return row ?? null;
  }

  async totalMinutes(filter: EntryFilter): Promise<number> {
    const params: unknown[] = [];
    const [row] = await this.rows<{ minutes: number }>(
      `SELECT coalesce(sum(e.duration_minutes), 0)::int AS minutes FROM timesheet_entries e ${entryWhere(filter, params)}`,
      params,
    );
    return row.minutes;
  }

  /**
   * Minutes per day or week (Monday) and project: a person's summary, and (without `userId`)
   * the weekly per-project report.
   */
  minutesByPeriod(
    filter: EntryFilter & { from: string; to: string },
    period: MinutesPeriod,
  ): Promise<PeriodMinutesRow[]> {
    const params: unknown[] = [];
    const where = entryWhere(filter, params);
    const day = period === 'week' ? `date_trunc('week', e.date::timestamp)::date` : 'e.date';
    return this.rows<PeriodMinutesRow>(
      `SELECT to_char(${day}, 'YYYY-MM-DD') AS period, e.project_id AS "projectId",
              p.name AS project, c.name AS customer, sum(e.duration_minutes)::int AS minutes
         FROM timesheet_entries e
         JOIN timesheet_projects p ON p.id = e.project_id
         JOIN timesheet_customers c ON c.id = p.customer_id
        ${where}
        GROUP BY 1, e.project_id, p.name, c.name
        ORDER BY 1, minutes DESC, project`,
      params,
    );
  }

  /** How many entries match (the CSV export refuses a filter over its limit). */
  async entryCount(filter: EntryFilter): Promise<number> {
    const params: unknown[] = [];
    const [row] = await this.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM timesheet_entries e ${entryWhere(filter, params)}`,
      params,
    );
    return row.n;
  }

  /** Minutes per person over a range (the back-office's week view), most first. */
  minutesByPerson(
    filter: EntryFilter & { from: string; to: string },
  ): Promise<{ userId: string; minutes: number }[]> {
    const params: unknown[] = [];
    return this.rows(
      `SELECT e.user_id AS "userId", sum(e.duration_minutes)::int AS minutes
         FROM timesheet_entries e ${entryWhere(filter, params)}
        GROUP BY e.user_id ORDER BY minutes DESC, e.user_id`,
      params,
    );
  }

  async findEntryByKey(
    userId: string,
    key: string,
  ): Promise<{ id: string; requestHash: string } | null> {
    const [row] = await this.rows<{ id: string; requestHash: string }>(
      `SELECT id, request_hash AS "requestHash" FROM timesheet_entries
        WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
    return row ?? null;
  }

  /**
   * Runs `work` in one transaction holding the lock of each of the person's days named: two
   * writes on the same person-day run one after the other, so the day total each one checks
   * is final (PostgreSQL and the embedded database alike).
   */
  inPersonDays<T>(userId: string, dates: string[], work: (day: PersonDays) => Promise<T>) {
    return this.manager.transaction(async (m) => {
      for (const date of [...new Set(dates)].sort()) {
        await m.query(`SELECT pg_advisory_xact_lock(${DAY_LOCK_NAMESPACE}, hashtext($1))`, [
          `${userId}:${date}`,
        ]);
      }
      return work(new PersonDays(m, userId));
    });
  }

  // ── Settings ───────────────────────────────────────────────────────────────────────────

  async timeZoneOf(userId: string): Promise<string | null> {
    const [row] = await this.rows<{ timeZone: string }>(
      `SELECT time_zone AS "timeZone" FROM timesheet_settings WHERE user_id = $1`,
      [userId],
    );
    return row?.timeZone ?? null;
  }

  async saveTimeZone(userId: string, timeZone: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO timesheet_settings (user_id, time_zone) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone, updated_at = now()`,
      [userId, timeZone],
    );
  }

  private async rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    return rowsOf<T>(await this.manager.query(sql, params));
  }

  private async one<T>(sql: string, params: unknown[]): Promise<T> {
    return (await this.rows<T>(sql, params))[0];
  }
}

/** The writes of one person's entries inside `inPersonDays` (its days locked). */
export class PersonDays {
  constructor(
    private readonly m: EntityManager,
    private readonly userId: string,
  ) {}

  /** Minutes the person booked that day, all entries (but `exceptId`). */
  async minutesOn(date: string, exceptId?: string): Promise<number> {
    const rows = rowsOf<{ minutes: number }>(
      await this.m.query(
        `SELECT coalesce(sum(duration_minutes), 0)::int AS minutes FROM timesheet_entries
          WHERE user_id = $1 AND date = $2::date AND id IS DISTINCT FROM $3::uuid`,
        [this.userId, date, exceptId ?? null],
      ),
    );
    return rows[0].minutes;
  }

  async findByKey(key: string): Promise<{ id: string; requestHash: string } | null> {
    const rows = rowsOf<{ id: string; requestHash: string }>(
      await this.m.query(
        `SELECT id, request_hash AS "requestHash" FROM timesheet_entries
          WHERE user_id = $1 AND idempotency_key = $2`,
        [this.userId, key],
      ),
    );
    return rows[0] ?? null;
  }

  /** Inserts an entry; a reused idempotency key fails with a unique violation. */
  async insert(entry: Omit<NewEntry, 'userId'>): Promise<string> {
    const rows = rowsOf<{ id: string }>(
      await this.m.query(
        `INSERT INTO timesheet_entries (user_id, project_id, activity_id, kind_id, date,
           duration_minutes, comment, billable, idempotency_key, request_hash, oauth_client_id)
         VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [
          this.userId,
          entry.projectId,
          entry.activityId,
          entry.kindId,
          entry.date,
          entry.durationMinutes,
          entry.comment,
          entry.billable,
          entry.idempotencyKey,
          entry.requestHash,
          entry.oauthClientId,
        ],
      ),
    );
    return rows[0].id;
  }

  async update(id: string, change: EntryChange): Promise<void> {
    const columns: Record<keyof EntryChange, string> = {
      projectId: 'project_id',
      activityId: 'activity_id',
      kindId: 'kind_id',
      date: 'date',
      durationMinutes: 'duration_minutes',
      comment: 'comment',
      billable: 'billable',
    };
    const params: unknown[] = [id, this.userId];
    const sets = ['updated_at = now()'];
    for (const [field, value] of Object.entries(change) as [keyof EntryChange, unknown][]) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${columns[field]} = $${params.length}${field === 'date' ? '::date' : ''}`);
    }
    await this.m.query(
      `UPDATE timesheet_entries SET ${sets.join(', ')} WHERE id = $1 AND user_id = $2`,
      params,
    );
  }

  async delete(id: string): Promise<void> {
    await this.m.query(`DELETE FROM timesheet_entries WHERE id = $1 AND user_id = $2`, [
      id,
      this.userId,
    ]);
  }
}

function levelColumns(level: Level): string {
  const { parent } = LEVEL_TABLES[level];
  return `id, name, ${parent ?? 'NULL::uuid'} AS "parentId", archived_at IS NOT NULL AS archived, created_at AS "createdAt"`;
}
