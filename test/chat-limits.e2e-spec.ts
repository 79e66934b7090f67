import Redis from 'ioredis';
import { historyOf, newVisitor, nextIp, sendAs, SseReader } from './support/chat-client';
import { bearer, loginAs, startTestApp, TestApp } from './support/test-app';

const REDIS_URL = process.env.REDIS_URL;
const describeWithRedis = REDIS_URL ? describe : describe.skip;
const describeWithRedisAndPostgres =
  REDIS_URL && process.env.DATABASE_URL ? describe : describe.skip;

const expect429 = (res: { status: number; headers: Record<string, string>; body: unknown }) => {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({
    statusCode: 429,
    error: 'Too Many Requests',
    code: 'RATE_LIMITED',
    requestId: expect.any(String),
  });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
};

describe('Support chat rate limits (default limits: 10 messages, 100 reads per minute)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // REDIS_URL unset here: per-instance counters (the Redis suite below shares them).
    t = await startTestApp({ listen: true, env: { REDIS_URL: undefined } });
  });
  afterAll(() => t?.close());

  it('refuses the 11th message of a session in a minute, whatever the IP', async () => {
    const v = await newVisitor(t);
    for (let i = 0; i < 10; i++) await sendAs(t, v, `message ${i}`, nextIp()).expect(200);
    expect429(await sendAs(t, v, 'one too many', nextIp()));
    // the refused message was not stored
    const history = await historyOf(t, { ...v, ip: nextIp() }).expect(200);
    expect(history.body.messages.filter((m: { role: string }) => m.role === 'user')).toHaveLength(
      10,
    );
  });

  it('refuses the 11th message from one IP in a minute, whatever the session', async () => {
    const ip = nextIp();
    const visitors = [];
    for (let i = 0; i < 11; i++) visitors.push(await newVisitor(t, ip));
    for (const v of visitors.slice(0, 10)) await sendAs(t, v, 'hello').expect(200);
    expect429(await sendAs(t, visitors[10], 'hello'));
    // another IP still gets through for that session
    await sendAs(t, visitors[10], 'hello', nextIp()).expect(200);
  });

  it("counts a logged-in user's messages across all their sessions", async () => {
    const user = await loginAs(t, 'user');
    const sessions: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await t
        .http()
        .post('/api/chat/create-session')
        .set(bearer(user.token))
        .send({})
        .expect(201);
      sessions.push(res.body.sessionId);
    }
    const send = (sessionId: string) =>
      t
        .http()
        .post('/api/chat/message')
        .set('X-Forwarded-For', nextIp())
        .set(bearer(user.token))
        .send({ sessionId, message: 'hi' });
    for (let i = 0; i < 10; i++) await send(sessions[i % 2]).expect(200);
    expect429(await send(sessions[1]));
  });

  it('allows 100 history reads and stream connects per session and per IP, then 429', async () => {
    const v = await newVisitor(t);
    const reads = await Promise.all(
      Array.from({ length: 100 }, () => historyOf(t, v, 1, nextIp())),
    );
    expect(reads.every((r) => r.status === 200)).toBe(true);
    expect429(await historyOf(t, v, 1, nextIp()));
    const stream = await fetch(`${t.url}/api/chat/stream?sessionId=${v.id}`, {
      headers: { 'X-Chat-Token': v.token, 'X-Forwarded-For': nextIp() },
    });
    expect(stream.status).toBe(429);
    expect(stream.headers.get('retry-after')).toMatch(/^\d+$/);
    await stream.arrayBuffer();

    const ip = nextIp();
    const a = await newVisitor(t);
    const b = await newVisitor(t);
    const mixed = await Promise.all(
      Array.from({ length: 100 }, (_, i) => historyOf(t, i % 2 ? a : b, 0, ip)),
    );
    expect(mixed.every((r) => r.status === 200)).toBe(true);
    const sse = await SseReader.open(`${t.url}/api/chat/stream?sessionId=${a.id}`, {
      'X-Chat-Token': a.token,
      'X-Forwarded-For': ip,
    });
    expect(sse.status).toBe(429);
    await sse.close();
  });

  it('limits session creation per IP', async () => {
    const ip = nextIp();
    for (let i = 0; i < 20; i++) await newVisitor(t, ip);
    const res = await t.http().post('/api/chat/create-session').set('X-Forwarded-For', ip).send({});
    expect429(res);
  });
});

describe('Support chat with CHAT_MOCK_MODE=true', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CHAT_MOCK_MODE: 'true' } });
  });
  afterAll(() => t?.close());

  it('reports mock replies whatever the settings say', async () => {
    const admin = await loginAs(t, 'admin');
    const res = await t.http().get('/api/admin/chat/settings').set(bearer(admin.token)).expect(200);
    expect(res.body.mockReplies).toBe(true);
    const v = await newVisitor(t);
    const sent = await sendAs(t, v, 'ping').expect(200);
    expect(sent.body.reply.content).toMatch(/^Thanks for your message: “ping”/);
  });
});

describeWithRedis('Support chat limits shared through Redis', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTestApp({ listen: true, env: { REDIS_URL } });
    redis = new Redis(REDIS_URL!);
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  it('keeps the counters in Redis and admits exactly the limit in a concurrent burst', async () => {
    const v = await newVisitor(t);
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        sendAs(t, v, `burst ${i}`, nextIp()).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect(Number(await redis.get(`rl:chat-message:session:${v.id}`))).toBe(30);
    expect(await redis.pttl(`rl:chat-message:session:${v.id}`)).toBeGreaterThan(50_000);
  });
});

describeWithRedisAndPostgres('Two instances on one PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ listen: true, env: { REDIS_URL } });
    b = await startTestApp({ listen: true, db: a.db, env: { REDIS_URL } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('delivers a staff reply written on one instance to an SSE stream on the other', async () => {
    const v = await newVisitor(a);
    const staff = await loginAs(b, 'staff');
    const sse = await SseReader.open(`${a.url}/api/chat/stream?sessionId=${v.id}&after=1`, {
      'X-Chat-Token': v.token,
    });
    try {
      expect(sse.status).toBe(200);
      await b
        .http()
        .post(`/api/admin/chat/sessions/${v.id}/reply`)
        .set(bearer(staff.token))
        .send({ message: 'Hello from instance B' })
        .expect(201);
      await sse.waitFor(() => sse.messages().length >= 1);
      expect(sse.messages()).toEqual([
        expect.objectContaining({ sequence: 2, role: 'staff', content: 'Hello from instance B' }),
      ]);
    } finally {
      await sse.close();
    }
  });

  it('shares the message limit of a session between instances', async () => {
    const v = await newVisitor(a);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await sendAs(i % 2 ? a : b, v, `m${i}`, nextIp())).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});
