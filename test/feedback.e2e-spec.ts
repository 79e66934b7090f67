import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeedbackWebhook } from '../src/feedback/feedback-webhook';
import { waitFor } from './support/spawn';
import { bearer, loginAs, query, startTestApp, TestApp } from './support/test-app';

/** A loopback receiver for the bug webhook that fails its first `failures` calls with 500. */
async function startWebhookReceiver(failures: number) {
  const calls: { body: unknown; status: number }[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const status = calls.length < failures ? 500 : 204;
      calls.push({ body: JSON.parse(raw), status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/feedback?token=s3cret`;
  return { calls, url, close: () => new Promise((r) => server.close(r)) };
}

describe('Feedback: public form, staff triage, bug webhook', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let staff: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(2);
    t = await startTestApp({
      env: {
        FEEDBACK_WEBHOOK_URL: receiver.url,
        FEEDBACK_WEBHOOK_RETRY_MS: '50',
        FEEDBACK_WEBHOOK_MAX_ATTEMPTS: '4',
        FEEDBACK_MAX_PER_IP_PER_HOUR: '8',
      },
    });
    staff = (await loginAs(t, 'staff')).token;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('stores a comment, cleaned of markup, and answers at once with its id', async () => {
    const res = await t
      .http()
      .post('/api/feedback')
      .send({
        type: 'comment',
        message: '  Très <b>bien</b><script>alert(1)</script> le\u0007 devis\u0301  ',
        email: 'Marie@Example.fr',
        page: '/support/<img src=x onerror=alert(1)>chat',
        rating: 5,
      })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      status: 'new',
      createdAt: expect.any(String),
    });
    const [row] = await query(t, 'SELECT * FROM feedback WHERE id = $1', [res.body.id]);
    expect(row).toMatchObject({
      type: 'comment',
      message: 'Très bien le devis\u0301'.normalize('NFC'),
      email: 'marie@example.fr',
      page: '/support/chat',
      rating: 5,
      webhook_status: 'none',
    });
    expect(String(row.message)).not.toMatch(/[<>]/);
  });

  it('takes null for an optional field as "not given"', async () => {
    const res = await t
      .http()
      .post('/api/feedback')
      .send({ type: 'comment', message: 'Merci', page: null, email: null, rating: null })
      .expect(201);
    const [row] = await query(t, 'SELECT * FROM feedback WHERE id = $1', [res.body.id]);
    expect(row).toMatchObject({ message: 'Merci', page: null, email: null, rating: null });
  });

  it.each([
    ['an unknown type', { type: 'praise', message: 'x' }, 'type'],
    ['no message', { type: 'bug' }, 'message'],
    ['only markup', { type: 'bug', message: '<script>only markup</script>' }, 'message'],
    ['4,001 characters', { type: 'bug', message: 'a'.repeat(4_001) }, 'message'],
    ['a bad email', { type: 'bug', message: 'ok', email: 'not-an-email' }, 'email'],
    ['a rating of 6', { type: 'bug', message: 'ok', rating: 6 }, 'rating'],
    ['a rating of 2.5', { type: 'bug', message: 'ok', rating: 2.5 }, 'rating'],
    ['an unknown field', { type: 'bug', message: 'ok', extra: 1 }, 'extra'],
  ])('refuses %s with 400 naming the field, storing nothing', async (_label, body, field) => {
    const before = await query(t, 'SELECT count(*)::int AS n FROM feedback');
    const res = await t.http().post('/api/feedback').send(body).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await query(t, 'SELECT count(*)::int AS n FROM feedback')).toEqual(before);
  });

  it('sends a bug report to the webhook after the response, retrying failures', async () => {
    const res = await t
      .http()
      .post('/api/feedback')
      .send({ type: 'bug', message: 'Le bouton Envoyer ne répond pas', page: '/support/chat' })
      .expect(201);
    const id = res.body.id as string;
    const [row] = await waitFor('the webhook delivery', async () => {
      const rows = await query(t, 'SELECT * FROM feedback WHERE id = $1', [id]);
      return rows[0].webhook_status === 'delivered' ? rows : undefined;
    });
    expect(row.webhook_attempts).toBe(3);
    expect(receiver.calls.map((c) => c.status)).toEqual([500, 500, 204]);
    expect(receiver.calls[2].body).toMatchObject({
      event: 'feedback.bug',
      feedback: { id, type: 'bug', message: 'Le bouton Envoyer ne répond pas' },
    });
  });

  it('sends bug reports left pending by a restart when the app boots again', async () => {
    const [row] = await query<{ id: string }>(
      t,
      `INSERT INTO feedback (type, message, webhook_status, webhook_attempts)
       VALUES ('bug', 'Left pending by a crash', 'pending', 1) RETURNING id`,
    );
    const before = receiver.calls.length;
    await t.get(FeedbackWebhook).onApplicationBootstrap(); // what a fresh boot runs
    const [sent] = await waitFor('the webhook delivery', async () => {
      const rows = await query(t, 'SELECT * FROM feedback WHERE id = $1', [row.id]);
      return rows[0].webhook_status === 'delivered' ? rows : undefined;
    });
    expect(sent.webhook_attempts).toBe(2);
    expect(receiver.calls.slice(before).map((c) => c.body)).toEqual([
      expect.objectContaining({ feedback: expect.objectContaining({ id: row.id }) }),
    ]);
    await query(t, 'DELETE FROM feedback WHERE id = $1', [row.id]);
  });

  it('lets staff list, filter and triage feedback; anonymous and users are refused', async () => {
    await t.http().get('/api/admin/feedback').expect(401);
    const user = await loginAs(t, 'user');
    await t.http().get('/api/admin/feedback').set(bearer(user.token)).expect(403);

    const bugs = await t
      .http()
      .get('/api/admin/feedback?type=bug&status=new')
      .set(bearer(staff))
      .expect(200);
    expect(bugs.body.total).toBe(1);
    expect(bugs.body.items[0]).toMatchObject({ type: 'bug', webhookStatus: 'delivered' });

    const id = bugs.body.items[0].id as string;
    const triaged = await t
      .http()
      .patch(`/api/admin/feedback/${id}`)
      .set(bearer(staff))
      .send({ status: 'triaged' })
      .expect(200);
    expect(triaged.body.status).toBe('triaged');
    await t
      .http()
      .patch(`/api/admin/feedback/${id}`)
      .set(bearer(staff))
      .send({ status: 'closed' })
      .expect(400);
    await t
      .http()
      .get('/api/admin/feedback/00000000-0000-4000-8000-000000000000')
      .set(bearer(staff))
      .expect(404);
    const left = await t.http().get('/api/admin/feedback?status=new').set(bearer(staff));
    expect(left.body.items.map((f: { id: string }) => f.id)).not.toContain(id);
  });

  it('limits feedback per client address with 429 and Retry-After', async () => {
    // 8 per hour per IP; earlier tests in this file already sent some from this address.
    let res;
    for (let i = 0; i < 10; i++) {
      res = await t
        .http()
        .post('/api/feedback')
        .send({ type: 'comment', message: `n° ${i}` });
      if (res.status === 429) break;
      expect(res.status).toBe(201);
    }
    expect(res?.status).toBe(429);
    expect(res?.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    expect(Number(res?.headers['retry-after'])).toBeGreaterThan(0);
  });
});
