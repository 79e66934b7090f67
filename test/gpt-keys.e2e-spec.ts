import { DataSource } from 'typeorm';
import { GptKeyUsageRecorder } from '../src/gpt-keys/gpt-key-usage.recorder';
import { GptKeysService } from '../src/gpt-keys/gpt-keys.service';
import {
  bearer,
  createGptKey,
  loginAs,
  mistype,
  query,
  sleep,
  startTestApp,
  TestApp,
} from './support/test-app';

describe('GptKeys: Bearer auth, hourly limits, usage, admin API', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({ listen: true });
    adminToken = (await loginAs(t, 'admin')).token;
  });
  afterAll(() => t?.close());

  describe('401 for each bad key, saying which, never echoing the key', () => {
    const expect401 = async (headers: Record<string, string>, code: string, secret?: string) => {
      const res = await t.http().get('/api/gpt/me').set(headers).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="passerelle-gpt"/);
      if (secret) {
        expect(JSON.stringify(res.body)).not.toContain(secret);
        expect(res.headers['www-authenticate']).not.toContain(secret);
      }
      return res;
    };

    it('missing header', async () => {
      const res = await expect401({}, 'GPT_KEY_MISSING');
      expect(res.headers['www-authenticate']).not.toContain('error=');
    });

    it('malformed header (not Bearer)', () =>
      expect401({ Authorization: 'Basic abc' }, 'GPT_KEY_MALFORMED'));

    it("SQL-looking junk: Bearer ' OR '1'='1", () =>
      expect401({ Authorization: "Bearer ' OR '1'='1" }, 'GPT_KEY_MALFORMED'));

    it('malformed key (bad checksum), refused without a lookup', async () => {
      const { plaintext } = await createGptKey(t);
      const typo = mistype(plaintext);
      await expect401(bearer(typo), 'GPT_KEY_MALFORMED', plaintext.slice(9));
    });

    it('unknown key (well-formed, not in the database)', async () => {
      const svc = t.get(GptKeysService);
      const { plaintext } = svc.format.generate();
      const res = await expect401(bearer(plaintext), 'GPT_KEY_INVALID', plaintext.slice(9));
      expect(res.body.message).toBe('Invalid API key');
    });

    it('inactive key', async () => {
      const { key, plaintext } = await createGptKey(t);
      await t.get(GptKeysService).deactivate(key.id);
      await expect401(bearer(plaintext), 'GPT_KEY_INACTIVE', plaintext.slice(9));
    });

    it('expired key, distinguished from an invalid one', async () => {
      const { plaintext } = await createGptKey(t, { expiresAt: new Date(Date.now() + 1_500) });
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      await sleep(1_600);
      // The key is still in the in-memory cache: expiry is checked on every request.
      const res = await expect401(bearer(plaintext), 'GPT_KEY_EXPIRED', plaintext.slice(9));
      expect(res.body.message).toMatch(/expired on \d{4}-/);
    });

    it('a session token of a staff user is not a GPT key', async () => {
      const { token } = await loginAs(t, 'admin');
      await expect401(bearer(token), 'GPT_KEY_MALFORMED');
    });
  });

  describe('hourly limit per key', () => {
    it('lets N requests through with headers, then 429 with Retry-After', async () => {
      const { plaintext } = await createGptKey(t, { rateLimitPerHour: 3 });
      for (let i = 1; i <= 3; i++) {
        const res = await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
        expect(res.headers['x-ratelimit-limit']).toBe('3');
        expect(res.headers['x-ratelimit-remaining']).toBe(String(3 - i));
        expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(3500);
        expect(res.body).toMatchObject({ rateLimit: 3, remaining: 3 - i, name: 'Test GPT' });
      }
      const res = await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(429);
      expect(res.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(3500);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(3600);
    });

    it('counts per key: another key keeps its own allowance', async () => {
      const a = await createGptKey(t, { rateLimitPerHour: 1 });
      const b = await createGptKey(t, { rateLimitPerHour: 1 });
      await t.http().get('/api/gpt/me').set(bearer(a.plaintext)).expect(200);
      await t.http().get('/api/gpt/me').set(bearer(a.plaintext)).expect(429);
      await t.http().get('/api/gpt/me').set(bearer(b.plaintext)).expect(200);
    });

    it('a concurrent burst of 60 on a limit of 10 admits exactly 10', async () => {
      const { plaintext } = await createGptKey(t, { rateLimitPerHour: 10 });
      const statuses = await Promise.all(
        Array.from({ length: 60 }, () =>
          fetch(`${t.url}/api/gpt/me`, { headers: bearer(plaintext) }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(50);
    });

    it('a raised limit applies to the next request', async () => {
      const { key, plaintext } = await createGptKey(t, { rateLimitPerHour: 1 });
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(429);
      await t
        .http()
        .patch(`/api/admin/gpt-keys/${key.id}`)
        .set(bearer(adminToken))
        .send({ rateLimitPerHour: 5 })
        .expect(200);
      const res = await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('5');
    });
  });

  describe('usage counting', () => {
    it('counts served requests (not refused ones) in batches, without a write per request', async () => {
      const { key, plaintext } = await createGptKey(t, { rateLimitPerHour: 4 });
      for (let i = 0; i < 6; i++) await t.http().get('/api/gpt/me').set(bearer(plaintext));
      await t.get(GptKeyUsageRecorder).flush();
      const [row] = await query<{ usage_count: string; last_used_at: Date }>(
        t,
        `SELECT usage_count, last_used_at FROM gpt_api_keys WHERE id = $1`,
        [key.id],
      );
      expect(Number(row.usage_count)).toBe(4);
      expect(row.last_used_at).not.toBeNull();
    });

    it('flushes on its own within GPT_USAGE_FLUSH_MS', async () => {
      const { key, plaintext } = await createGptKey(t);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      await sleep(700);
      const res = await t
        .http()
        .get(`/api/admin/gpt-keys/${key.id}`)
        .set(bearer(adminToken))
        .expect(200);
      expect(res.body.usageCount).toBe(2);
    });
  });

  describe('GET /api/gpt/me', () => {
    it('tells the GPT its key name, prefix, limit, remaining, reset and expiry', async () => {
      const expiresAt = new Date(Date.now() + 86_400_000);
      const { plaintext } = await createGptKey(t, {
        name: 'Production GPT',
        rateLimitPerHour: 50,
        expiresAt,
      });
      const res = await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      expect(res.body).toEqual({
        name: 'Production GPT',
        keyPrefix: plaintext.slice(0, 13),
        rateLimit: 50,
        remaining: 49,
        resetInSeconds: expect.any(Number),
        expiresAt: expiresAt.toISOString(),
      });
    });
  });

  describe('admin API', () => {
    it('creates a key shown once, lists it masked, never exposes the hash', async () => {
      const created = await t
        .http()
        .post('/api/admin/gpt-keys')
        .set(bearer(adminToken))
        .send({ name: 'Production GPT', rateLimitPerHour: 200 })
        .expect(201);
      const plaintext: string = created.body.key;
      expect(plaintext).toMatch(/^torp_gpt_[A-Za-z0-9]{64}$/);
      expect(created.body).toMatchObject({
        name: 'Production GPT',
        rateLimitPerHour: 200,
        status: 'active',
        usageCount: 0,
      });
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);

      const list = await t.http().get('/api/admin/gpt-keys').set(bearer(adminToken)).expect(200);
      const text = JSON.stringify(list.body);
      expect(text).not.toContain(plaintext);
      expect(text).not.toMatch(/keyHash|key_hash/);
      const [{ key_hash }] = await query<{ key_hash: string }>(
        t,
        `SELECT key_hash FROM gpt_api_keys WHERE id = $1`,
        [created.body.id],
      );
      expect(text).not.toContain(key_hash);
      const mine = list.body.find((k: { id: string }) => k.id === created.body.id);
      expect(mine.maskedKey).toBe(`${plaintext.slice(0, 13)}***`);
      expect(mine).not.toHaveProperty('key');

      const stored = await t
        .get(DataSource)
        .query(`SELECT * FROM gpt_api_keys WHERE id = $1`, [created.body.id]);
      expect(JSON.stringify(stored)).not.toContain(plaintext);
    });

    it('validates input and names each bad field', async () => {
      const res = await t
        .http()
        .post('/api/admin/gpt-keys')
        .set(bearer(adminToken))
        .send({ name: '', rateLimitPerHour: 0, expiresAt: '2001-01-01' })
        .expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'expiresAt',
        'name',
        'rateLimitPerHour',
      ]);
    });

    it('404 for an unknown or malformed id', async () => {
      await t
        .http()
        .get('/api/admin/gpt-keys/00000000-0000-4000-8000-000000000000')
        .set(bearer(adminToken))
        .expect(404);
      const res = await t
        .http()
        .get('/api/admin/gpt-keys/not-a-uuid')
        .set(bearer(adminToken))
        .expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it('deactivation via PATCH takes effect on the next request', async () => {
      const { key, plaintext } = await createGptKey(t);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      const res = await t
        .http()
        .patch(`/api/admin/gpt-keys/${key.id}`)
        .set(bearer(adminToken))
        .send({ isActive: false })
        .expect(200);
      expect(res.body.status).toBe('inactive');
      const denied = await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(401);
      expect(denied.body.code).toBe('GPT_KEY_INACTIVE');
    });

    it('a change written by another process is picked up within 5 s (cache TTL)', async () => {
      const { key, plaintext } = await createGptKey(t);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200); // now cached
      await query(t, `UPDATE gpt_api_keys SET is_active = false WHERE id = $1`, [key.id]);
      const started = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - started < 6_000) {
        status = (await t.http().get('/api/gpt/me').set(bearer(plaintext))).status;
        if (status === 200) await sleep(250);
      }
      expect(status).toBe(401);
      expect(Date.now() - started).toBeLessThanOrEqual(5_000);
    });

    it('DELETE removes the key: 204, then 401 and 404', async () => {
      const { key, plaintext } = await createGptKey(t);
      await t.http().delete(`/api/admin/gpt-keys/${key.id}`).set(bearer(adminToken)).expect(204);
      await t.http().get(`/api/admin/gpt-keys/${key.id}`).set(bearer(adminToken)).expect(404);
      const res = await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(401);
      expect(res.body.code).toBe('GPT_KEY_INVALID');
    });

    it('rotates with the same settings; the old key stops at once without grace', async () => {
      const { key, plaintext } = await createGptKey(t, { name: 'Rotated', rateLimitPerHour: 77 });
      const res = await t
        .http()
        .post(`/api/admin/gpt-keys/${key.id}/rotate`)
        .set(bearer(adminToken))
        .send({})
        .expect(201);
      expect(res.body).toMatchObject({ name: 'Rotated', rateLimitPerHour: 77, status: 'active' });
      expect(res.body.key).not.toBe(plaintext);
      await t.http().get('/api/gpt/me').set(bearer(res.body.key)).expect(200);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(401);
      const old = await t
        .http()
        .get(`/api/admin/gpt-keys/${key.id}`)
        .set(bearer(adminToken))
        .expect(200);
      expect(old.body).toMatchObject({ status: 'inactive', replacedById: res.body.id });
    });

    it('rotates with a grace period: both keys work, the old one until its new expiry', async () => {
      const { key, plaintext } = await createGptKey(t);
      const res = await t
        .http()
        .post(`/api/admin/gpt-keys/${key.id}/rotate`)
        .set(bearer(adminToken))
        .send({ graceSeconds: 3600 })
        .expect(201);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      await t.http().get('/api/gpt/me').set(bearer(res.body.key)).expect(200);
      const old = await t
        .http()
        .get(`/api/admin/gpt-keys/${key.id}`)
        .set(bearer(adminToken))
        .expect(200);
      const expiry = new Date(old.body.expiresAt).getTime();
      expect(expiry).toBeGreaterThan(Date.now() + 3_500_000);
      expect(expiry).toBeLessThanOrEqual(Date.now() + 3_600_000);
      // A negative grace period is refused.
      await t
        .http()
        .post(`/api/admin/gpt-keys/${key.id}/rotate`)
        .set(bearer(adminToken))
        .send({ graceSeconds: -1 })
        .expect(400);
    });
  });
});
