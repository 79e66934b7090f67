import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LlmUsageRecorder } from '../src/llm-providers/usage/llm-usage.recorder';
import { historyOf, newVisitor, sendAs } from './support/chat-client';
import { analysisBody, devisBody } from './support/devis-fixtures';
import { CliResult, runCli } from './support/spawn';
import {
  bearer,
  createGptKey,
  loginAs,
  query,
  sleep,
  startTestApp,
  TestApp,
} from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

// Several CLI runs (each boots the CLI: seconds of CPU on a busy two-core machine).
jest.setTimeout(240_000);

const OPENAI_KEY = 'sk-proj-' + 'B4ckUpR3st0r3K3y'.repeat(3);
type Snapshot = Record<string, string[]>;

/** Every row of every table (the migrations table aside), as text, sorted: what a restore must bring back. */
async function snapshot(t: TestApp): Promise<Snapshot> {
  const tables = await query<{ name: string }>(
    t,
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'migrations'
      ORDER BY 1`,
  );
  const snap: Snapshot = {};
  for (const { name } of tables) {
    const rows = await query<{ r: string }>(t, `SELECT to_jsonb(x)::text AS r FROM "${name}" x`);
    snap[name] = rows.map((r) => r.r).sort();
  }
  return snap;
}

function expectOk(r: CliResult) {
  if (r.code !== 0) throw new Error(`CLI failed (${r.code}): ${r.stderr}\n${r.stdout}`);
  expect(r.stderr).toBe('');
}

/**
 * One app at a time in this process: AdminJS binds the entities (BaseEntity) to the last
 * DataSource created, so a second app closing would leave the first one's entities on a
 * closed connection. The source app is closed before any restored copy is started.
 */
describe('db:backup / db:restore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-backup-'));
  let source: TestDatabase;
  let before: Snapshot;
  const files = {} as Record<'custom' | 'logical', string>;
  const made = {} as {
    gptKey: string;
    devisId: string;
    analysisId: string;
    llmKeyId: string;
    user: { token: string; email: string; password: string };
    visitor: Awaited<ReturnType<typeof newVisitor>>;
  };
  const databases: TestDatabase[] = [];
  let baseEnv: Record<string, string>;

  beforeAll(async () => {
    source = await freshDatabase();
    const t = await startTestApp({ db: source, env: { CHAT_MOCK_MODE: 'true' } });
    try {
      baseEnv = t.env;
      await createData(t);
      before = await snapshot(t);
      for (const table of [
        'gpt_api_keys',
        'devis',
        'devis_lines',
        'gpt_analyses',
        'llm_api_keys',
        'llm_usage_logs',
        'llm_conversations',
        'llm_conversation_messages',
        'chat_sessions',
        'chat_messages',
        'users',
      ]) {
        expect([table, before[table]?.length ?? 0]).not.toEqual([table, 0]);
      }

      // Backups taken while the server runs (on the embedded database, through its socket).
      for (const format of source.kind === 'postgres'
        ? (['custom', 'logical'] as const)
        : (['logical'] as const)) {
        files[format] = join(dir, `full.${format}`);
        const r = await runCli(t.env, ['db:backup', files[format], '--format', format]);
        expectOk(r);
        expect(r.stdout).toContain(`(${format} format)`);
      }

      // Changes made after the backups, which a forced restore must undo.
      await createGptKey(t, { name: 'Made after the backup' });
      const staff = await loginAs(t, 'staff');
      await t.http().post('/api/devis').set(bearer(staff.token)).send(devisBody()).expect(201);
      const refused = await runCli(t.env, ['db:restore', files.logical]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: this database is not empty .*--force/);
    } finally {
      await t.close();
    }
  });

  afterAll(async () => {
    for (const db of databases) await db.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  async function createData(t: TestApp) {
    // A GPT key that has been used, a devis with an analysis written through that key.
    made.gptKey = (await createGptKey(t, { name: 'Backup GPT', rateLimitPerHour: 50 })).plaintext;
    await t.http().get('/api/gpt/me').set(bearer(made.gptKey)).expect(200);
    const staff = await loginAs(t, 'staff');
    const devis = await t
      .http()
      .post('/api/devis')
      .set(bearer(staff.token))
      .send(devisBody())
      .expect(201);
    made.devisId = devis.body.id as string;
    const analysis = await t
      .http()
      .post('/api/gpt/analysis')
      .set(bearer(made.gptKey))
      .send(analysisBody(made.devisId))
      .expect(201);
    made.analysisId = analysis.body.id as string;
    // A user's encrypted provider key, a logged chat call, a conversation.
    made.user = await loginAs(t, 'user');
    const llmKey = await t
      .http()
      .post('/api/llm/keys')
      .set(bearer(made.user.token))
      .send({ provider: 'openai', name: 'Backup key', apiKey: OPENAI_KEY })
      .expect(201);
    made.llmKeyId = llmKey.body.id as string;
    await t
      .http()
      .post('/api/llm/chat')
      .set(bearer(made.user.token))
      .send({ provider: 'mock', message: 'Bonjour, sauvegarde ?' })
      .expect(200);
    // A support chat with a visitor's message and the (mock) assistant's answer.
    made.visitor = await newVisitor(t);
    await sendAs(t, made.visitor, 'Où en est mon devis ?').expect(200);
    await t.get(LlmUsageRecorder).flush();
    await sleep(500); // GPT key usage counts are written every GPT_USAGE_FLUSH_MS (200 in tests)
  }

  /** A test app on `db` whose content must equal the snapshot taken before the backup. */
  async function expectRestored(db: TestDatabase) {
    const r = await startTestApp({ db, env: { CHAT_MOCK_MODE: 'true' } });
    try {
      expect(await snapshot(r)).toEqual(before);
      // And the restored data works for the people who depend on it.
      const me = await r.http().get('/api/gpt/me').set(bearer(made.gptKey)).expect(200);
      expect(JSON.stringify(me.body)).toContain('Backup GPT');
      const analyses = await r
        .http()
        .get(`/api/gpt/devis/${made.devisId}/analyses`)
        .set(bearer(made.gptKey))
        .expect(200);
      expect(JSON.stringify(analyses.body)).toContain(made.analysisId);
      const login = await r
        .http()
        .post('/api/auth/login')
        .send({ email: made.user.email, password: made.user.password })
        .expect(200);
      const keys = await r.http().get('/api/llm/keys').set(bearer(login.body.token)).expect(200);
      expect(JSON.stringify(keys.body)).toContain(made.llmKeyId);
      const usage = await r.http().get('/api/llm/usage').set(bearer(login.body.token)).expect(200);
      expect(usage.body.total.calls).toBe(1);
      const history = await historyOf(r, made.visitor).expect(200);
      expect(JSON.stringify(history.body)).toContain('Où en est mon devis ?');
    } finally {
      await r.close();
    }
  }

  async function freshDatabase(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  }

  const envFor = (db: TestDatabase) => ({ ...baseEnv, ...db.env });

  it('restores a backup taken while the server ran into an empty database: every row comes back', async () => {
    for (const format of Object.keys(files) as ('custom' | 'logical')[]) {
      const head = readFileSync(files[format]).subarray(0, 5).toString('latin1');
      if (format === 'custom') expect(head).toBe('PGDMP');
      else expect(head.charCodeAt(0)).toBe(0x1f); // gzip
      // Secrets stay as they are at rest: no provider key in clear in the file.
      expect(readFileSync(files[format]).includes(OPENAI_KEY)).toBe(false);

      const db = await freshDatabase();
      const r = await runCli(envFor(db), ['db:restore', files[format]]);
      expectOk(r);
      expect(r.stdout).toContain(`(${format} format)`);
      await expectRestored(db);
    }
  });

  it('restores into a database that was only migrated (the migration Job ran first)', async () => {
    const db = await freshDatabase();
    expectOk(await runCli(envFor(db), ['db:migrate']));
    expectOk(await runCli(envFor(db), ['db:restore', files.logical]));
    await expectRestored(db);
  });

  it('replaces a database holding data only with --force', async () => {
    const forced = await runCli(envFor(source), [
      'db:restore',
      files.custom ?? files.logical,
      '--force',
    ]);
    expectOk(forced);
    expect(forced.stdout).toMatch(/Replaced the rows of \d+ table/);
    await expectRestored(source);
  });

  it('rejects a file that is not a backup, and a truncated dump, changing nothing', async () => {
    const db = await freshDatabase();
    const notDump = join(dir, 'not-a-dump.txt');
    writeFileSync(notDump, 'hello');
    const r1 = await runCli(envFor(db), ['db:restore', notDump]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/neither a pg_dump custom file nor a Passerelle logical dump/);

    const lines = gunzipSync(readFileSync(files.logical)).toString('utf8').trimEnd().split('\n');
    const truncated = join(dir, 'truncated.jsonl.gz');
    writeFileSync(truncated, gzipSync(lines.slice(0, -1).join('\n') + '\n'));
    const r2 = await runCli(envFor(db), ['db:restore', truncated]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/truncated/);
    // The failed restore left no rows behind: the good file needs no --force.
    expectOk(await runCli(envFor(db), ['db:restore', files.logical]));
  });

  it('says the custom format needs PostgreSQL when the database is embedded', async () => {
    if (source.kind !== 'embedded') return;
    const r = await runCli(envFor(source), [
      'db:backup',
      join(dir, 'x.dump'),
      '--format',
      'custom',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/custom format needs PostgreSQL/);
  });
});
