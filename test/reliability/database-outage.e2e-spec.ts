import { devisBody } from '../support/devis-fixtures';
import { bearer, createGptKey, loginAs, sleep, startTestApp, TestApp } from '../support/test-app';
import { canRunThrowawayPostgres, startThrowawayPostgres } from '../support/throwaway-services';

type Pg = Awaited<ReturnType<typeof startThrowawayPostgres>>;

const describeIf = canRunThrowawayPostgres ? describe : describe.skip;

/** Status and time of one request over real HTTP (no client-side retry, no keep-alive). */
async function timed(url: string, headers: Record<string, string> = {}) {
  const start = Date.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  return {
    status: res.status,
    body,
    ms: Date.now() - start,
    retryAfter: res.headers.get('retry-after'),
  };
}

describeIf('Reliability: the database goes away mid-load and comes back', () => {
  let pg: Pg;
  let t: TestApp;
  let devisUrl: string;
  let key: string;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    t = await startTestApp({
      listen: true,
      // The throwaway cluster is this app's whole database; nothing to drop afterwards.
      db: {
        kind: 'postgres',
        env: { DATABASE_URL: pg.url },
        connect: () => Promise.reject(new Error('not used by this suite')),
        drop: async () => undefined,
      },
      env: { GPT_KEY_CACHE_TTL_MS: '500' },
    });
    const staff = (await loginAs(t, 'staff')).token;
    const devis = await t
      .http()
      .post('/api/devis')
      .set(bearer(staff))
      .send(devisBody())
      .expect(201);
    devisUrl = `${t.url}/api/gpt/devis/${devis.body.id as string}`;
    key = (await createGptKey(t, { rateLimitPerHour: 100_000 })).plaintext;
  }, 60_000);

  afterAll(async () => {
    await t?.close().catch(() => undefined);
    pg?.destroy();
  });

  it('answers 503 within 2 s while it is down, then serves again within 5 s of its return', async () => {
    expect((await timed(devisUrl, bearer(key))).status).toBe(200);

    // Steady load across the outage: 8 clients in a loop.
    let running = true;
    const seen: { status: number; ms: number; at: number; body: Record<string, unknown> | null }[] =
      [];
    const clients = Array.from({ length: 8 }, async () => {
      while (running) {
        const r = await timed(devisUrl, bearer(key)).catch((e: Error) => ({
          status: 0,
          body: { error: e.message },
          ms: 15_000,
          retryAfter: null,
        }));
        seen.push({ ...r, at: Date.now() });
      }
    });

    await sleep(500);
    pg.stop('immediate');
    const downAt = Date.now();
    await sleep(3_000); // past the key cache TTL: key lookups need the database too

    const during = await Promise.all([
      timed(devisUrl, bearer(key)),
      timed(`${t.url}/api/gpt/me`, bearer(key)),
      timed(`${t.url}/health/ready`),
      timed(`${t.url}/health/live`),
    ]);
    pg.start();
    const upAt = Date.now();

    // Back within 5 s, without a restart.
    let backAt = 0;
    while (Date.now() - upAt < 10_000) {
      const r = await timed(devisUrl, bearer(key));
      if (r.status === 200) {
        backAt = Date.now();
        break;
      }
      await sleep(100);
    }
    running = false;
    await Promise.all(clients);

    const [devis, me, ready, live] = during;
    expect(devis).toMatchObject({ status: 503 });
    expect(devis.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(Number(devis.retryAfter)).toBeGreaterThan(0);
    expect(me.status).toBe(503); // not 401: an unreachable database says nothing about the key
    expect(ready.status).toBe(503);
    expect(live.status).toBe(200);
    for (const r of during) expect(r.ms).toBeLessThan(2_000);

    const outage = seen.filter((r) => r.at > downAt + 200 && r.at < upAt);
    expect(outage.length).toBeGreaterThan(0);
    expect(outage.filter((r) => ![200, 503].includes(r.status))).toEqual([]);
    expect(Math.max(...outage.map((r) => r.ms))).toBeLessThan(2_000);

    expect(backAt).toBeGreaterThan(0);
    expect(backAt - upAt).toBeLessThan(5_000);
    expect((await timed(`${t.url}/health/ready`)).status).toBe(200);
  }, 60_000);
});
