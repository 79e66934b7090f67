import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import request from 'supertest';
import { GptKeyUsageRecorder } from '../src/gpt-keys/gpt-key-usage.recorder';
import { CliResult, runCli, waitFor } from './support/spawn';
import {
  ADMIN,
  bearer,
  createGptKey,
  loginAs,
  query,
  startTestApp,
  TestApp,
} from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const APP_URL = 'https://passerelle.example.test';
const KEY = /torp_gpt_[A-Za-z0-9]{64}/g;
/** What the running app promises: a change made by the CLI is seen within 5 s. */
const PROPAGATION_MS = 5_000;
/** Dates relative to today, so the suite does not expire with the calendar. */
const NEXT_YEAR = new Date().getUTCFullYear() + 1;

// Up to seven CLI runs in one test, each 1-2 s of CPU (several times that on a busy box).
jest.setTimeout(120_000);

const keysIn = (text: string): string[] => [...text.matchAll(KEY)].map((m) => m[0]);

/** Exit code 1, one line `error: …` (matching `message`) on stderr, nothing on stdout. */
function expectCliError(r: CliResult, message: RegExp) {
  expect(r).toEqual(
    expect.objectContaining({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/^error: [^\n]+\n$/),
    }),
  );
  expect(r.stderr).toMatch(message);
}

/** An error body of the API (or its shape in the back-office). */
interface ErrorBody {
  code: string;
  message: string;
  details?: { field: string; messages: string[] }[];
}

/** The line the CLI prints for that error: its message, then the problem of each field. */
function cliLineFor(body: ErrorBody): string {
  const problems = (body.details ?? []).flatMap((d) => d.messages);
  return `error: ${body.message}${problems.length ? ` (${problems.join('; ')})` : ''}\n`;
}

function expectCliOk(r: CliResult) {
  expect(r).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
}

describe('CLI while the server runs on the same database', () => {
  let t: TestApp;
  const cli = (args: string[], input?: string) => runCli(t.env, args, { input });
  /** Several CLI runs, two at a time (a spawn is CPU-bound; CI has two cores). */
  async function cliAll(runs: (string[] | { args: string[]; input: string })[]) {
    const results: CliResult[] = [];
    let next = 0;
    const worker = async () => {
      while (next < runs.length) {
        const i = next++;
        const run = runs[i];
        results[i] = Array.isArray(run) ? await cli(run) : await cli(run.args, run.input);
      }
    };
    await Promise.all([worker(), worker()]);
    return results;
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { APP_URL } });
  });
  afterAll(() => t?.close());

  const me = (key: string) => t.http().get('/api/gpt/me').set(bearer(key));

  /** Polls the running app until `key` is refused with `code`, at most 5 s after `since`. */
  async function expectRefusedWithin5s(key: string, code: string, since: number) {
    const sentAt = await waitFor(
      `${code} for ${key.slice(0, 13)}***`,
      async () => {
        const at = Date.now();
        const r = await me(key);
        return r.status === 401 && r.body.code === code ? at : undefined;
      },
      { timeoutMs: Math.max(0, PROPAGATION_MS - (Date.now() - since)), intervalMs: 100 },
    );
    expect(sentAt - since).toBeLessThanOrEqual(PROPAGATION_MS);
  }

  /** gpt_api_keys as stored, after writing pending usage counts (no request runs meanwhile). */
  async function keyRows() {
    await t.get(GptKeyUsageRecorder).flush();
    return query(t, 'SELECT * FROM gpt_api_keys ORDER BY id');
  }

  const keyRow = async (id: string) =>
    (await query(t, 'SELECT * FROM gpt_api_keys WHERE id = $1', [id]))[0];

  describe('gpt:setup', () => {
    it('on a database with no key: creates "GPT Initial Key", prints it once with the GPT setup steps', async () => {
      expect(await query(t, 'SELECT id FROM gpt_api_keys')).toHaveLength(0);
      const r = await cli(['gpt:setup']);
      expectCliOk(r);
      const keys = keysIn(r.stdout);
      expect(keys).toHaveLength(1);
      expect(r.stdout).toContain(`${APP_URL}/api/gpt/openapi`);
      expect(r.stdout).toContain('Bearer');
      await t.http().get('/api/gpt/openapi').expect(200); // the printed schema URL is served

      const rows = await query<{ name: string }>(t, 'SELECT name FROM gpt_api_keys');
      expect(rows).toEqual([{ name: 'GPT Initial Key' }]);
      const res = await me(keys[0]).expect(200);
      expect(res.body.name).toBe('GPT Initial Key');
    });

    it('run again: creates nothing and prints no key', async () => {
      const r = await cli(['gpt:setup']);
      expectCliOk(r);
      expect(keysIn(r.stdout)).toHaveLength(0);
      expect(r.stdout).toMatch(/already exist; none created/);
      expect(r.stdout).toContain(`${APP_URL}/api/gpt/openapi`);
      expect(await query(t, 'SELECT id FROM gpt_api_keys')).toHaveLength(1);
    });
  });

  describe('gpt:create-key', () => {
    let production: { key: string; id: string };

    it('"Production GPT" 200 prints a key exactly once; the running app accepts it at 200/h', async () => {
      const r = await cli(['gpt:create-key', 'Production GPT', '200']);
      expectCliOk(r);
      const keys = keysIn(r.stdout);
      expect(keys).toHaveLength(1);
      const [key] = keys;
      expect(r.stdout.split(key)).toHaveLength(2); // the plaintext appears exactly once

      const res = await me(key).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('200');
      expect(res.body).toEqual(
        expect.objectContaining({ name: 'Production GPT', rateLimit: 200, expiresAt: null }),
      );
      const [row] = await query<{ id: string; key_hash: string; display_prefix: string }>(
        t,
        `SELECT id, key_hash, display_prefix FROM gpt_api_keys WHERE name = 'Production GPT'`,
      );
      expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(row.display_prefix).toBe(key.slice(0, 13));
      expect(r.stdout).toContain(row.id);
      production = { key, id: row.id };
    });

    it('stores only a hash: the plaintext is nowhere in the database', async () => {
      const tables = await query<{ table_name: string }>(
        t,
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      expect(tables.map((x) => x.table_name)).toContain('gpt_api_keys');
      const secret = production.key.slice(13); // all but the displayed prefix
      for (const { table_name } of tables) {
        const dump = JSON.stringify(await query(t, `SELECT * FROM "${table_name}"`));
        expect({ table_name, leaked: dump.includes(secret) }).toEqual({
          table_name,
          leaked: false,
        });
      }
    });

    it('--expires YYYY-MM-DD sets the expiry to the end of that day (UTC)', async () => {
      const day = `${NEXT_YEAR}-06-30`;
      const r = await cli(['gpt:create-key', 'Expiring GPT', '--expires', day]);
      expectCliOk(r);
      const [key] = keysIn(r.stdout);
      expect(r.stdout).toContain(`expires ${day}T23:59:59.999Z`);
      const [row] = await query<{ expires_at: Date; rate_limit_per_hour: number }>(
        t,
        `SELECT expires_at, rate_limit_per_hour FROM gpt_api_keys WHERE name = 'Expiring GPT'`,
      );
      expect(row.expires_at.toISOString()).toBe(`${day}T23:59:59.999Z`);
      expect(row.rate_limit_per_hour).toBe(100); // GPT_DEFAULT_RATE_LIMIT
      const res = await me(key).expect(200);
      expect(res.body.expiresAt).toBe(`${day}T23:59:59.999Z`);
    });

    it('refuses bad arguments with one error line, exit 1, and creates nothing', async () => {
      const before = await keyRows();
      const results = await cliAll([
        ['gpt:create-key', 'Bad GPT', '0'],
        ['gpt:create-key', 'Bad GPT', 'abc'],
        ['gpt:create-key', 'Bad GPT', '--expires', '2020-01-01'],
        ['gpt:create-key'],
      ]);
      // The API's own messages for rateLimitPerHour (see "the same mistake" below).
      expectCliError(
        results[0],
        /^error: Validation failed: rateLimitPerHour \(.*must not be less than 1\)/,
      );
      expectCliError(results[1], /rateLimitPerHour must be an integer number/);
      expectCliError(results[2], /in the future/);
      expectCliError(results[3], /missing required argument 'name'/);
      expect(await keyRows()).toEqual(before);
    });
  });

  describe('gpt:list-keys', () => {
    it('shows every key masked (torp_gpt_abcd***), never a full key', async () => {
      const rows = await query<{ display_prefix: string }>(
        t,
        'SELECT display_prefix FROM gpt_api_keys',
      );
      const r = await cli(['gpt:list-keys']);
      expectCliOk(r);
      expect(r.stdout).toMatch(/^KEY\s+NAME\s+STATUS/);
      for (const { display_prefix } of rows) expect(r.stdout).toContain(`${display_prefix}***`);
      expect(keysIn(r.stdout)).toHaveLength(0);
      expect(r.stdout).not.toMatch(/torp_gpt_[A-Za-z0-9]{5}/);
      expect(r.stdout).toContain('Production GPT');
    });

    it('--json parses, with usage counted by the running app and status per key', async () => {
      const { key, plaintext } = await createGptKey(t, {
        name: 'Counted GPT',
        rateLimitPerHour: 50,
      });
      for (let i = 0; i < 3; i++) await me(plaintext).expect(200);
      await t.get(GptKeyUsageRecorder).flush();

      const r = await cli(['gpt:list-keys', '--json']);
      expectCliOk(r);
      expect(keysIn(r.stdout)).toHaveLength(0);
      const list = JSON.parse(r.stdout) as Record<string, unknown>[];
      expect(list.length).toBe((await query(t, 'SELECT id FROM gpt_api_keys')).length);
      for (const item of list) {
        expect(item).toEqual({
          id: expect.any(String),
          name: expect.any(String),
          maskedKey: expect.stringMatching(/^torp_gpt_[A-Za-z0-9]{4}\*\*\*$/),
          status: expect.stringMatching(/^(active|inactive|expired)$/),
          rateLimitPerHour: expect.any(Number),
          usageCount: expect.any(Number),
          lastUsedAt: item.usageCount ? expect.any(String) : null,
          expiresAt: item.expiresAt === null ? null : expect.any(String),
          createdAt: expect.any(String),
        });
      }
      const counted = list.find((k) => k.id === key.id);
      expect(counted).toEqual(
        expect.objectContaining({
          name: 'Counted GPT',
          maskedKey: `${plaintext.slice(0, 13)}***`,
          status: 'active',
          rateLimitPerHour: 50,
          usageCount: 3,
          expiresAt: null,
        }),
      );
      expect(Date.now() - Date.parse(counted!.lastUsedAt as string)).toBeLessThan(60_000);
    });
  });

  describe('gpt:update-key', () => {
    let key: string;
    let id: string;

    beforeAll(async () => {
      const issued = await createGptKey(t, { name: 'Updatable GPT', rateLimitPerHour: 100 });
      key = issued.plaintext;
      id = issued.key.id;
      await me(key).expect(200); // now cached by the running app
    });

    it('<prefix> --rate 500 changes the limit the running app applies (within 5 s)', async () => {
      const r = await cli(['gpt:update-key', key.slice(0, 13), '--rate', '500']);
      expectCliOk(r);
      expect(r.stdout).toContain('500/h');
      expect(keysIn(r.stdout)).toHaveLength(0);
      expect((await keyRow(id)).rate_limit_per_hour).toBe(500);
      await waitFor(
        'X-RateLimit-Limit 500',
        async () => ((await me(key)).headers['x-ratelimit-limit'] === '500' ? true : undefined),
        { timeoutMs: Math.max(0, PROPAGATION_MS - (Date.now() - r.exitedAt)) },
      );
    });

    it('--expires DATE sets an expiry, --expires never removes it (masked key as reference)', async () => {
      const day = `${NEXT_YEAR}-12-31`;
      expectCliOk(await cli(['gpt:update-key', `${key.slice(0, 13)}***`, '--expires', day]));
      expect(((await keyRow(id)).expires_at as Date).toISOString()).toBe(`${day}T23:59:59.999Z`);

      const r = await cli(['gpt:update-key', id, '--expires', 'never']);
      expectCliOk(r);
      expect(r.stdout).toContain('expires never');
      const row = await keyRow(id);
      expect(row.expires_at).toBeNull();
      expect(row.rate_limit_per_hour).toBe(500); // untouched
    });

    it('refuses bad arguments, unknown and ambiguous keys: exit 1, one error line, nothing changed', async () => {
      // Two keys whose display prefixes share "torp_gpt_Zq": that fragment is ambiguous.
      const twins = await Promise.all([
        createGptKey(t, { name: 'Twin A' }),
        createGptKey(t, { name: 'Twin B' }),
      ]);
      for (const [i, twin] of twins.entries()) {
        await query(t, 'UPDATE gpt_api_keys SET display_prefix = $1 WHERE id = $2', [
          `torp_gpt_Zq${i}${i}`,
          twin.key.id,
        ]);
      }
      const before = await keyRows();
      const prefix = key.slice(0, 13);
      const cases: [string[], RegExp][] = [
        [['gpt:update-key', prefix, '--rate', '0'], /rateLimitPerHour must not be less than 1/],
        [['gpt:update-key', prefix, '--rate', 'abc'], /rateLimitPerHour must be an integer/],
        [['gpt:update-key', prefix, '--expires', `${NEXT_YEAR}-02-30`], /not a real calendar date/],
        [['gpt:update-key', prefix], /nothing to change/],
        [['gpt:update-key', randomUUID(), '--rate', '10'], /not found/],
        [['gpt:update-key', 'torp_gpt_0000', '--rate', '10'], /No GPT API key matches/],
        [['gpt:update-key', 'torp_gpt_Zq', '--rate', '10'], /matches \d+ keys.*use an id/],
      ];
      const results = await cliAll(cases.map(([args]) => args));
      results.forEach((r, i) => expectCliError(r, cases[i][1]));
      const ambiguous = results[cases.length - 1].stderr;
      for (const twin of twins) expect(ambiguous).toContain(twin.key.id);

      expect(await keyRows()).toEqual(before);
    });

    it('--activate --name re-activates a deactivated key and renames it', async () => {
      await query(t, 'UPDATE gpt_api_keys SET is_active = false WHERE id = $1', [id]);
      const r = await cli(['gpt:update-key', key, '--activate', '--name', 'Renamed GPT']);
      expectCliOk(r);
      expect(r.stdout).toContain('active.');
      const row = await keyRow(id);
      expect(row).toEqual(expect.objectContaining({ is_active: true, name: 'Renamed GPT' }));
      await waitFor(
        'the renamed key to be served',
        async () => {
          const res = await me(key);
          return res.status === 200 && res.body.name === 'Renamed GPT' ? true : undefined;
        },
        { timeoutMs: Math.max(0, PROPAGATION_MS - (Date.now() - r.exitedAt)) },
      );
    });
  });

  describe('gpt:deactivate-key', () => {
    it('by full key, by prefix and by id: the running app answers 401 GPT_KEY_INACTIVE within 5 s', async () => {
      const issued = await Promise.all(
        ['By key', 'By prefix', 'By id'].map((name) => createGptKey(t, { name })),
      );
      for (const { plaintext } of issued) await me(plaintext).expect(200); // cached as active
      const refs = [issued[0].plaintext, issued[1].plaintext.slice(0, 13), issued[2].key.id];
      // One at a time: each key is polled right after its command exits (polling only after
      // all three would start the 5 s clock of the first one before it is looked at).
      for (const [i, ref] of refs.entries()) {
        const r = await cli(['gpt:deactivate-key', ref]);
        expectCliOk(r);
        expect(r.stdout).toContain(`Deactivated ${issued[i].plaintext.slice(0, 13)}***`);
        expect(keysIn(r.stdout)).toHaveLength(0);
        await expectRefusedWithin5s(issued[i].plaintext, 'GPT_KEY_INACTIVE', r.exitedAt);
        expect((await keyRow(issued[i].key.id)).is_active).toBe(false);
      }
    });

    it('an unknown key: exit 1, nothing changed', async () => {
      const before = await keyRows();
      expectCliError(await cli(['gpt:deactivate-key', randomUUID()]), /not found/);
      expect(await keyRows()).toEqual(before);
    });
  });

  describe('gpt:delete-key', () => {
    it('without --yes and without a TTY refuses: exit 1, the key still works', async () => {
      const { key, plaintext } = await createGptKey(t, { name: 'Doomed GPT' });
      const before = await keyRows();
      const r = await cli(['gpt:delete-key', key.id]);
      expectCliError(r, /without confirmation.*--yes/);
      expect(await keyRows()).toEqual(before);
      await me(plaintext).expect(200);
    });

    it('with --yes deletes the row; the running app answers 401 GPT_KEY_INVALID within 5 s', async () => {
      const [row] = await query<{ id: string }>(
        t,
        `SELECT id FROM gpt_api_keys WHERE name = 'Doomed GPT'`,
      );
      const { plaintext } = await createGptKey(t, { name: 'Doomed by prefix' });
      await me(plaintext).expect(200);
      // Exactly the two keys named go; the others stay.
      const [{ n: before }] = await query<{ n: number }>(
        t,
        'SELECT count(*)::int AS n FROM gpt_api_keys',
      );

      const results = await cliAll([
        ['gpt:delete-key', row.id, '--yes'],
        ['gpt:delete-key', plaintext.slice(0, 13), '-y'],
      ]);
      results.forEach(expectCliOk);
      await expectRefusedWithin5s(plaintext, 'GPT_KEY_INVALID', results[1].exitedAt);
      expect(results[1].stdout).toContain(`Deleted ${plaintext.slice(0, 13)}***`);
      const [{ n: after }] = await query<{ n: number }>(
        t,
        'SELECT count(*)::int AS n FROM gpt_api_keys',
      );
      expect(after).toBe(before - 2);
      expect(await keyRow(row.id)).toBeUndefined();
    });

    it('an unknown key: exit 1, nothing deleted', async () => {
      const before = await keyRows();
      expectCliError(await cli(['gpt:delete-key', randomUUID(), '--yes']), /not found/);
      expect(await keyRows()).toEqual(before);
    });
  });

  describe('user:create', () => {
    const login = (email: string, password: string) =>
      t.http().post('/api/auth/login').send({ email, password });
    const users = () => query(t, 'SELECT * FROM users ORDER BY id');

    it('--role staff with the password piped on stdin: login works with that password', async () => {
      const email = 'piped.staff@test.passerelle';
      const password = 'piped-password-0123456789';
      const r = await cli(
        ['user:create', '--email', email, '--role', 'staff', '--name', 'Piped Staff'],
        `${password}\nignored second line\n`,
      );
      expectCliOk(r);
      expect(r.stdout).toContain(`Created staff ${email}`);
      expect(r.stdout).not.toContain(password);
      expect(r.stdout).not.toMatch(/Password/);
      const res = await login(email, password).expect(200);
      expect(res.body.user).toEqual(
        expect.objectContaining({ email, role: 'staff', name: 'Piped Staff' }),
      );
      await login(email, 'ignored second line').expect(401);
    });

    it('with stdin closed empty: generates a password, prints it once, and it works', async () => {
      const email = 'generated.user@test.passerelle';
      const r = await cli(['user:create', '--email', email, '--role', 'user']);
      expectCliOk(r);
      const found = [...r.stdout.matchAll(/Password \(shown once, save it now\): (\S+)/g)];
      expect(found).toHaveLength(1);
      const password = found[0][1];
      expect(password.length).toBeGreaterThanOrEqual(12);
      expect(r.stdout.split(password)).toHaveLength(2);
      const res = await login(email, password).expect(200);
      expect(res.body.user.role).toBe('user');
      const [row] = await query<{ password_hash: string }>(
        t,
        'SELECT password_hash FROM users WHERE email = $1',
        [email],
      );
      expect(row.password_hash).not.toContain(password);
    });

    it('refuses a bad role, a missing email, a short password: exit 1, no user added', async () => {
      const before = await users();
      const results = await cliAll([
        ['user:create', '--email', 'new.one@test.passerelle', '--role', 'boss'],
        ['user:create', '--role', 'staff'],
        { args: ['user:create', '--email', 'short.pw@test.passerelle'], input: 'short\n' },
      ]);
      expectCliError(
        results[0],
        /Validation failed: role \(role must be one of the following values: admin, staff, user\)/,
      );
      expectCliError(results[1], /--email is required/);
      expectCliError(results[2], /at least 12 characters/);
      expect(await users()).toEqual(before);
      await login('new.one@test.passerelle', 'anything-at-all').expect(401);
    });

    it('refuses a duplicate email (any case): one error line, no SQL or password hash printed', async () => {
      const before = await users();
      const r = await cli(
        ['user:create', '--email', 'PIPED.staff@test.passerelle'],
        'another-password-123\n',
      );
      expectCliError(r, /already exists/);
      expect(r.stdout + r.stderr).not.toMatch(/scrypt|INSERT/);
      expect(await users()).toEqual(before);
    });
  });

  describe('llm:reprice', () => {
    const logs = () =>
      query<{ model: string; cost_micro_usd: string | null }>(
        t,
        `SELECT model, cost_micro_usd FROM llm_usage_logs WHERE model LIKE 'cli-%' OR model LIKE 'gpt-4o-mini%'
          ORDER BY created_at`,
      );
    const march = ['--from', '2026-03-01', '--to', '2026-03-31'];

    beforeAll(async () => {
      // Costed before the dataset: unpriced (NULL) or wrong, one of them outside March.
      await query(
        t,
        `INSERT INTO llm_usage_logs (provider, model, prompt_tokens, completion_tokens, total_tokens, cost_micro_usd, latency_ms, status, created_at)
         VALUES ('openai', 'gpt-4o-mini-2024-07-18', 1000, 500, 1500, NULL, 10, 'success', '2026-03-02T10:00:00Z'),
                ('openai', 'gpt-4o-mini', 1000, 500, 1500, 1, 10, 'success', '2026-03-03T10:00:00Z'),
                ('openai', 'cli-unknown-model', 1000, 500, 1500, NULL, 10, 'success', '2026-03-04T10:00:00Z'),
                ('openai', 'gpt-4o-mini', 1000, 500, 1500, NULL, 10, 'success', '2026-04-01T10:00:00Z')`,
      );
    });

    it('--dry-run says what would change and writes nothing; --only-unpriced prices the NULL costs of the range', async () => {
      const before = await logs();
      const dry = await cli(['llm:reprice', ...march, '--dry-run']);
      expectCliOk(dry);
      // $0.15 / $0.60 per million tokens: 1,000 + 500 tokens of gpt-4o-mini are 450 µ$.
      expect(dry.stdout).toBe(
        'Scanned 3 usage log(s) from 2026-03-01 to 2026-03-31 (mock calls excluded).\n' +
          'Would change 2 log(s) (1 previously unpriced): $0.000001 → $0.000900, difference +$0.000899.\n' +
          '1 log(s) have no known price today (left as they are): openai:cli-unknown-model (1). ' +
          'Add their prices to LLM_PRICING_JSON and run this again.\n' +
          'Dry run: nothing was written.\n',
      );
      expect(await logs()).toEqual(before);

      const unpriced = await cli(['llm:reprice', ...march, '--only-unpriced']);
      expectCliOk(unpriced);
      expect(unpriced.stdout).toMatch(
        /^Scanned 2 unpriced usage log\(s\) from 2026-03-01 to 2026-03-31 \(mock calls excluded\)\.\nChanged 1 log\(s\) \(1 previously unpriced\): \$0\.000000 → \$0\.000450, difference \+\$0\.000450\.\n/,
      );
      expect(await logs()).toEqual([
        { model: 'gpt-4o-mini-2024-07-18', cost_micro_usd: '450' },
        { model: 'gpt-4o-mini', cost_micro_usd: '1' }, // had a cost: --only-unpriced leaves it
        { model: 'cli-unknown-model', cost_micro_usd: null }, // still unknown
        { model: 'gpt-4o-mini', cost_micro_usd: null }, // April
      ]);

      const all = await cli(['llm:reprice']);
      expectCliOk(all);
      expect(all.stdout).toContain('difference +$0.000899.');
      expect(await logs()).toEqual([
        { model: 'gpt-4o-mini-2024-07-18', cost_micro_usd: '450' },
        { model: 'gpt-4o-mini', cost_micro_usd: '450' },
        { model: 'cli-unknown-model', cost_micro_usd: null },
        { model: 'gpt-4o-mini', cost_micro_usd: '450' },
      ]);
    });

    it('refuses a day that is not one, or a range backwards, with the DTO’s message, changing nothing', async () => {
      const before = await logs();
      const [badDay, backwards] = await cliAll([
        ['llm:reprice', '--from', '2026-02-30'],
        ['llm:reprice', '--from', '2026-03-02', '--to', '2026-03-01'],
      ]);
      expectCliError(badDay, /./);
      expect(badDay.stderr).toBe(
        'error: Validation failed: from (from must be a real calendar date)\n',
      );
      expectCliError(backwards, /./);
      expect(backwards.stderr).toBe('error: Validation failed: to (to must not be before from)\n');
      expect(await logs()).toEqual(before);
    });
  });

  describe('the same mistake gets the same message over HTTP and in the CLI', () => {
    let adminToken: string;
    let keyId: string;
    const api = () => t.http();
    const users = () => query(t, 'SELECT * FROM users ORDER BY id');

    beforeAll(async () => {
      adminToken = (await loginAs(t, 'admin', ADMIN.email)).token;
      keyId = (await createGptKey(t, { name: 'Contract GPT', rateLimitPerHour: 40 })).key.id;
    });

    /** Refused with 400 VALIDATION_FAILED over HTTP; returns the error body. */
    const refusedOverHttp = async (req: request.Test): Promise<ErrorBody> => {
      const res = await req.set(bearer(adminToken)).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      return res.body as ErrorBody;
    };

    it('GPT keys: rate out of range (create, update), a past or unreadable expiry, a name that is only markup', async () => {
      const before = await keyRows();
      const post = (body: object) => refusedOverHttp(api().post('/api/admin/gpt-keys').send(body));
      const patch = (body: object) =>
        refusedOverHttp(api().patch(`/api/admin/gpt-keys/${keyId}`).send(body));
      const pastDay = `${NEXT_YEAR - 3}-01-01`;
      const cases: [Promise<ErrorBody>, string[], string, string[]][] = [
        [
          post({ name: 'Too fast', rateLimitPerHour: 2_000_000 }),
          ['gpt:create-key', 'Too fast', '2000000'],
          'rateLimitPerHour',
          ['rateLimitPerHour must not be greater than 1000000'],
        ],
        [
          patch({ rateLimitPerHour: 0 }),
          ['gpt:update-key', keyId, '--rate', '0'],
          'rateLimitPerHour',
          ['rateLimitPerHour must not be less than 1'],
        ],
        [
          post({ name: 'Past GPT', expiresAt: `${pastDay}T23:59:59.999Z` }),
          ['gpt:create-key', 'Past GPT', '--expires', pastDay],
          'expiresAt',
          ['expiresAt must be in the future'],
        ],
        [
          patch({ expiresAt: 'tomorrow' }),
          ['gpt:update-key', keyId, '--expires', 'tomorrow'],
          'expiresAt',
          ['expiresAt must be a Date instance', 'expiresAt must be in the future'],
        ],
        [
          post({ name: '<b> </b>' }),
          ['gpt:create-key', '<b> </b>'],
          'name',
          ['name must be longer than or equal to 1 characters'],
        ],
        [
          patch({ name: '<script>x</script>' }),
          ['gpt:update-key', keyId, '--name', '<script>x</script>'],
          'name',
          ['name must be longer than or equal to 1 characters'],
        ],
      ];
      const overHttp = await Promise.all(cases.map(([http]) => http));
      const inCli = await cliAll(cases.map(([, args]) => args));
      cases.forEach(([, args, field, problems], i) => {
        expect({ args, body: overHttp[i] }).toEqual({
          args,
          body: expect.objectContaining({
            message: `Validation failed: ${field}`,
            details: [{ field, messages: expect.arrayContaining(problems) }],
          }),
        });
        expect(overHttp[i].details![0].messages).toHaveLength(problems.length);
        expectCliError(inCli[i], /./);
        expect({ args, stderr: inCli[i].stderr }).toEqual({
          args,
          stderr: cliLineFor(overHttp[i]),
        });
      });
      expect(inCli[0].stderr).toBe(
        'error: Validation failed: rateLimitPerHour (rateLimitPerHour must not be greater than 1000000)\n',
      );
      expect(await keyRows()).toEqual(before);
    });

    it('users: a bad role and a short password, in the back-office and in the CLI', async () => {
      const before = await users();
      // APP_URL is https here, so the session cookie is Secure: the back-office is reached as
      // through a TLS proxy on loopback (TRUST_PROXY), and the cookie is sent back by hand.
      const overTls = (req: request.Test) => req.set('X-Forwarded-Proto', 'https');
      const login = await overTls(request(t.app.getHttpServer()).post('/admin/login'))
        .type('form')
        .send({ email: ADMIN.email, password: ADMIN.password })
        .expect(302);
      const cookie = (login.headers['set-cookie'] as unknown as string[]).map(
        (c) => c.split(';')[0],
      );
      const newUser = async (body: object) => {
        const res = await overTls(
          request(t.app.getHttpServer()).post('/admin/api/resources/users/actions/newUser'),
        )
          .set('Cookie', cookie)
          .send(body);
        expect(res.status).toBe(200);
        expect(res.body.secret).toBeUndefined();
        return res.body.notice as { message: string; type: string };
      };
      const email = 'same.mistake@test.passerelle';
      const [badRole, shortPassword] = [
        await newUser({ email, role: 'boss' }),
        await newUser({ email, role: 'staff', password: 'short' }),
      ];
      expect(badRole).toEqual({ message: 'Validation failed: role', type: 'error' });
      expect(shortPassword).toEqual({ message: 'Validation failed: password', type: 'error' });

      const [role, password] = await cliAll([
        ['user:create', '--email', email, '--role', 'boss'],
        { args: ['user:create', '--email', email, '--role', 'staff'], input: 'short\n' },
      ]);
      expect(role.stderr).toBe(
        `error: ${badRole.message} (role must be one of the following values: admin, staff, user)\n`,
      );
      expect(password.stderr).toBe(
        `error: ${shortPassword.message} (password must be at least 12 characters)\n`,
      );
      expectCliError(role, /./);
      expectCliError(password, /./);
      expect(await users()).toEqual(before);
    });
  });

  describe('on a database without migrations (no server)', () => {
    let fresh: TestDatabase;
    const freshCli = (args: string[]) => runCli({ ...fresh.env, APP_URL }, args);

    beforeAll(async () => {
      fresh = await createTestDatabase();
    });
    afterAll(() => fresh?.drop());

    let applied: string[];

    it('gpt:setup refuses, pointing at db:migrate; db:migrate applies; again: up to date', async () => {
      expectCliError(await freshCli(['gpt:setup']), /missing \d+ migration.*db:migrate/);

      const migrate = await freshCli(['db:migrate']);
      expectCliOk(migrate);
      expect(migrate.stdout).toMatch(/^Applied: Foundation\d+(, \w+\d{13})*\n$/);
      applied = migrate.stdout.replace(/^Applied: |\n$/g, '').split(', ');
      const again = await freshCli(['db:migrate']);
      expectCliOk(again);
      expect(again.stdout).toBe('Database is up to date.\n');
    });

    it('db:migrate:revert reverts the last migration (gpt:setup fails again); db:migrate re-applies', async () => {
      const last = applied[applied.length - 1];
      const revert = await freshCli(['db:migrate:revert']);
      expectCliOk(revert);
      expect(revert.stdout).toBe(`Reverted: ${last}\n`);
      expectCliError(
        await freshCli(['gpt:setup']),
        new RegExp(`missing 1 migration.*${last}.*db:migrate`),
      );

      const migrate = await freshCli(['db:migrate']);
      expectCliOk(migrate);
      expect(migrate.stdout).toBe(`Applied: ${last}\n`);
    });

    it('a usage error (missing argument) exits 1 with one line and leaves no database lock behind', async () => {
      const r = await freshCli(['gpt:create-key']);
      expectCliError(r, /missing required argument 'name'/);
      // The embedded database was opened by this CLI (no server runs): it must be closed.
      expect(readdirSync(fresh.env.DATA_DIR)).not.toContain('pglite.lock');
    });
  });
});
