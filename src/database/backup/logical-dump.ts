import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import type { DataSource, QueryRunner } from 'typeorm';
import { runMigrations } from '../data-source';

/**
 * A logical dump: gzipped JSON lines, one header, one line per row (`to_jsonb` of the row,
 * so every type round-trips through its text form), one trailer with the row counts.
 * It is what the embedded database can be backed up with (pg_dump refuses PGlite: its
 * server reports PostgreSQL 18 and pg_dump only dumps servers of its own major version or
 * older), and it restores into either engine, so it also moves data from the embedded
 * database to PostgreSQL.
 */
export const LOGICAL_FORMAT = 'passerelle-logical-dump';
const LOGICAL_VERSION = 1;
/** Rows per INSERT on restore and per FETCH on dump. */
const BATCH = 500;
const MIGRATIONS_TABLE = 'migrations';
/**
 * Tables whose only rows a migration inserts (a settings singleton): a freshly migrated
 * database still counts as empty, and a restore replaces those rows with the dump's.
 */
const SEEDED_BY_MIGRATIONS = new Set(['chat_settings']);

export interface DumpHeader {
  format: typeof LOGICAL_FORMAT;
  version: number;
  createdAt: string;
  engine: 'embedded' | 'postgres';
  serverVersion: string;
  /** Migrations applied to the source: the restore target must have exactly these. */
  migrations: string[];
  /** In an order where every table comes after the tables it references. */
  tables: string[];
}

export interface DumpTrailer {
  end: true;
  rows: Record<string, number>;
}

export type RowCounts = Record<string, number>;

/** Dumps every table of the current schema in one read-only snapshot. */
export async function writeLogicalDump(
  ds: DataSource,
  file: string,
  engine: DumpHeader['engine'],
): Promise<RowCounts> {
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const out = createWriteStream(partial, { mode: 0o600 });
  gzip.pipe(out);
  const write = async (line: string) => {
    if (!gzip.write(line + '\n')) await once(gzip, 'drain');
  };
  const qr = ds.createQueryRunner();
  await qr.connect();
  const rows: RowCounts = {};
  try {
    // One snapshot: a row never references a row the dump does not hold. On the embedded
    // database this transaction has PGlite to itself, so the server's queries wait meanwhile.
    await qr.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = orderByReferences(await listTables(qr), await listReferences(qr));
    const header: DumpHeader = {
      format: LOGICAL_FORMAT,
      version: LOGICAL_VERSION,
      createdAt: new Date().toISOString(),
      engine,
      serverVersion: await serverVersion(qr),
      migrations: await appliedMigrations(qr),
      tables: tables.filter((t) => t !== MIGRATIONS_TABLE),
    };
    await write(JSON.stringify(header));
    for (const table of header.tables) {
      rows[table] = 0;
      const prefix = `{"t":${JSON.stringify(table)},"r":`;
      await qr.query(
        `DECLARE dump_rows NO SCROLL CURSOR FOR SELECT to_jsonb(x)::text AS r FROM ${ident(table)} x`,
      );
      for (;;) {
        const batch = await select<{ r: string }>(qr, `FETCH ${BATCH} FROM dump_rows`);
        for (const { r } of batch) await write(prefix + r + '}');
        rows[table] += batch.length;
        if (batch.length < BATCH) break;
      }
      await qr.query('CLOSE dump_rows');
    }
    await write(JSON.stringify({ end: true, rows } satisfies DumpTrailer));
    await qr.query('COMMIT');
  } catch (err) {
    await qr.query('ROLLBACK').catch(() => undefined);
    gzip.destroy();
    out.destroy();
    rmSync(partial, { force: true });
    throw err;
  } finally {
    await qr.release();
  }
  gzip.end();
  await once(out, 'close');
  renameSync(partial, file);
  return rows;
}

/** Reads the header line of a logical dump, or null if the file is not one. */
export async function readLogicalHeader(file: string): Promise<DumpHeader | null> {
  const lines = dumpLines(file);
  try {
    for await (const line of lines) {
      const header = JSON.parse(line) as Partial<DumpHeader>;
      return header.format === LOGICAL_FORMAT ? (header as DumpHeader) : null;
    }
    return null;
  } catch {
    return null;
  } finally {
    lines.close();
  }
}

export interface RestoreCheck {
  /** Tables holding rows (besides the migrations table and rows migrations insert). */
  nonEmptyTables: string[];
  /** Whether the schema has any table at all. */
  hasTables: boolean;
}

export async function inspectTarget(ds: DataSource): Promise<RestoreCheck> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    const tables = await listTables(qr);
    const nonEmptyTables: string[] = [];
    for (const t of tables) {
      if (t === MIGRATIONS_TABLE || SEEDED_BY_MIGRATIONS.has(t)) continue;
      const [row] = await select<{ any: boolean }>(
        qr,
        `SELECT EXISTS (SELECT 1 FROM ${ident(t)}) AS any`,
      );
      if (row.any) nonEmptyTables.push(t);
    }
    return { nonEmptyTables, hasTables: tables.length > 0 };
  } finally {
    await qr.release();
  }
}

export class DumpMismatchError extends Error {}

/**
 * Loads a logical dump, all of it or nothing, in one transaction. The target gets the
 * migrations first if it has none; its applied migrations must then be exactly the dump's.
 * Every table is emptied first in that transaction: the caller has checked (inspectTarget)
 * that it held nothing but rows the migrations insert, or was told to replace it (--force).
 */
export async function restoreLogicalDump(ds: DataSource, file: string): Promise<RowCounts> {
  const header = await readLogicalHeader(file);
  if (!header) throw new DumpMismatchError(`${file} is not a Passerelle logical dump`);
  if (header.version !== LOGICAL_VERSION) {
    throw new DumpMismatchError(`dump format version ${header.version} is not supported`);
  }
  const pre = ds.createQueryRunner();
  await pre.connect();
  try {
    if ((await appliedMigrations(pre)).length === 0) await runMigrations(ds);
    const target = await appliedMigrations(pre);
    const missing = header.migrations.filter((m) => !target.includes(m));
    const extra = target.filter((m) => !header.migrations.includes(m));
    if (missing.length || extra.length) {
      throw new DumpMismatchError(
        'the dump and this database are at different schema versions' +
          (missing.length
            ? `; the dump has migrations this database lacks: ${missing.join(', ')}`
            : '') +
          (extra.length
            ? `; this database has migrations the dump lacks: ${extra.join(', ')}`
            : '') +
          '. Restore with the release that made the dump, into an empty database, then upgrade.',
      );
    }
  } finally {
    await pre.release();
  }

  const qr = ds.createQueryRunner();
  await qr.connect();
  let lines: ReturnType<typeof dumpLines> | undefined;
  const inserted: RowCounts = {};
  try {
    await qr.query('BEGIN');
    const targetTables = (await listTables(qr)).filter((t) => t !== MIGRATIONS_TABLE);
    const unknown = header.tables.filter((t) => !targetTables.includes(t));
    if (unknown.length) throw new DumpMismatchError(`tables missing here: ${unknown.join(', ')}`);
    if (targetTables.length) {
      await qr.query(`TRUNCATE ${targetTables.map(ident).join(', ')} RESTART IDENTITY CASCADE`);
    }
    const selfReferencing = new Set(
      (await listReferences(qr)).filter((r) => r.child === r.parent).map((r) => r.child),
    );
    const columns = await insertableColumns(qr);

    let table = '';
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const cols = columns.get(table)!.map(ident).join(', ');
      await qr.query(
        `INSERT INTO ${ident(table)} (${cols}) OVERRIDING SYSTEM VALUE ` +
          `SELECT ${cols} FROM jsonb_populate_recordset(NULL::${ident(table)}, $1::jsonb)`,
        [`[${batch.join(',')}]`],
      );
      inserted[table] = (inserted[table] ?? 0) + batch.length;
      batch = [];
    };
    let trailer: DumpTrailer | null = null;
    let first = true;
    // Opened right before reading: readline drops lines emitted before iteration starts.
    lines = dumpLines(file);
    for await (const line of lines) {
      if (first) {
        first = false; // the header
        continue;
      }
      if (line.startsWith('{"t":')) {
        const start = line.indexOf(',"r":');
        const t = JSON.parse(line.slice(5, start)) as string;
        if (t !== table) {
          await flush();
          table = t;
        }
        batch.push(line.slice(start + 5, -1));
        // A table referencing itself goes in one statement: its rows may point at later ones.
        if (batch.length >= BATCH && !selfReferencing.has(table)) await flush();
      } else if (line.trim()) {
        trailer = JSON.parse(line) as DumpTrailer;
      }
    }
    await flush();
    if (!trailer?.end) throw new DumpMismatchError(`${file} is truncated (no end marker)`);
    for (const [t, n] of Object.entries(trailer.rows)) {
      if ((inserted[t] ?? 0) !== n) {
        throw new DumpMismatchError(
          `table ${t}: the dump lists ${n} rows, ${inserted[t] ?? 0} were read`,
        );
      }
    }
    await resetSequences(qr);
    await qr.query('COMMIT');
    return inserted;
  } catch (err) {
    await qr.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    lines?.close();
    await qr.release();
  }
}

/** A typed SELECT on a query runner (QueryRunner.query is untyped). */
async function select<T>(qr: QueryRunner, sql: string, params?: unknown[]): Promise<T[]> {
  return (await qr.query(sql, params)) as T[];
}

function dumpLines(file: string) {
  return createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function listTables(qr: QueryRunner): Promise<string[]> {
  const rows = await select<{ name: string }>(
    qr,
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  return rows.map((r) => r.name);
}

interface Reference {
  child: string;
  parent: string;
}

async function listReferences(qr: QueryRunner): Promise<Reference[]> {
  return select<Reference>(
    qr,
    `SELECT c.relname AS child, p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema()`,
  );
}

/** Parents before children (a reference cycle between tables is not supported, and not used). */
function orderByReferences(tables: string[], refs: Reference[]): string[] {
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string) => {
    if (state.get(t) === 'done') return;
    if (state.get(t) === 'visiting') throw new Error(`reference cycle through table ${t}`);
    state.set(t, 'visiting');
    for (const r of refs) if (r.child === t && r.parent !== t) visit(r.parent);
    state.set(t, 'done');
    ordered.push(t);
  };
  for (const t of tables) visit(t);
  return ordered;
}

/** Columns a row can be inserted with (generated columns are computed by the database). */
async function insertableColumns(qr: QueryRunner): Promise<Map<string, string[]>> {
  const rows = await select<{ table: string; column: string }>(
    qr,
    `SELECT c.relname AS table, a.attname AS column
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
        AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY c.relname, a.attnum`,
  );
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.table, [...(map.get(r.table) ?? []), r.column]);
  return map;
}

/** Serial and identity columns continue after the restored rows. */
async function resetSequences(qr: QueryRunner) {
  const rows = await select<{ table: string; column: string; seq: string }>(
    qr,
    `SELECT c.relname AS table, a.attname AS column,
            pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0
        AND NOT a.attisdropped AND c.relname <> $1
        AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`,
    [MIGRATIONS_TABLE],
  );
  for (const r of rows) {
    await qr.query(
      `SELECT setval($1, COALESCE((SELECT max(${ident(r.column)}) FROM ${ident(r.table)}), 0) + 1, false)`,
      [r.seq],
    );
  }
}

async function appliedMigrations(qr: QueryRunner): Promise<string[]> {
  const [{ t }] = await select<{ t: string | null }>(qr, `SELECT to_regclass($1) AS t`, [
    MIGRATIONS_TABLE,
  ]);
  if (!t) return [];
  const rows = await select<{ name: string }>(
    qr,
    `SELECT name FROM ${ident(MIGRATIONS_TABLE)} ORDER BY timestamp, name`,
  );
  return rows.map((r) => r.name);
}

async function serverVersion(qr: QueryRunner): Promise<string> {
  const [row] = await select<{ v: string }>(qr, `SELECT current_setting('server_version') AS v`);
  return row.v;
}
