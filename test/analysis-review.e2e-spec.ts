import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { GptAnalysesService } from '../src/gpt-analyses/gpt-analyses.service';
import { analysisBody, devisBody } from './support/devis-fixtures';
import { waitFor } from './support/spawn';
import {
  ADMIN,
  bearer,
  createGptKey,
  loginAs,
  query,
  startTestApp,
  TestApp,
} from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A loopback receiver for the staff webhook that fails its first `failures` calls with 500. */
async function startWebhookReceiver(failures: number) {
  const calls: { body: Json; status: number }[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const status = calls.length < failures ? 500 : 204;
      calls.push({ body: JSON.parse(raw) as Json, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/support?token=s3cret`;
  return { calls, url, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Doubtful analyses reach a person (issue 18): an analysis below the review threshold
 * (confidence < 60 by default) or graded E opens one support conversation, in the transaction
 * that stores it, linked both ways; staff mark it reviewed; staff are told by webhook.
 */
describe('Doubtful analyses open a support conversation', () => {
  let t: TestApp;
  let staff: string;
  let staffId: string;
  let admin: string;
  let gptKey: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(1);
    t = await startTestApp({
      listen: true,
      env: {
        SUPPORT_WEBHOOK_URL: receiver.url,
        SUPPORT_WEBHOOK_RETRY_MS: '50',
        SUPPORT_WEBHOOK_MAX_ATTEMPTS: '3',
      },
    });
    ({
      token: staff,
      user: { id: staffId },
    } = await loginAs(t, 'staff'));
    admin = (await loginAs(t, 'admin')).token;
    gptKey = (await createGptKey(t, { rateLimitPerHour: 10_000, name: 'Review GPT' })).plaintext;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const newDevis = async () =>
    (await t.http().post('/api/devis').set(bearer(staff)).send(devisBody()).expect(201))
      .body as Json;
  const post = (body: object, key?: string) => {
    const req = t.http().post('/api/gpt/analysis').set(bearer(gptKey));
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const doubtful = (devisId: string, overrides: Record<string, unknown> = {}) =>
    analysisBody(devisId, { confidence: 35, gptScore: 41, gptGrade: 'D', ...overrides });
  const sessionsOf = (devisId: string) =>
    query<{ id: string; status: string; origin: string; assistant_enabled: boolean }>(
      t,
      `SELECT id, status, origin, assistant_enabled FROM chat_sessions
        WHERE devis_id = $1 ORDER BY created_at`,
      [devisId],
    );
  const messagesOf = (sessionId: string) =>
    query<{ role: string; content: string; sequence: number }>(
      t,
      'SELECT role, content, sequence FROM chat_messages WHERE session_id = $1 ORDER BY sequence',
      [sessionId],
    );

  it('opens exactly one open session for two concurrent identical posts, linked both ways', async () => {
    const d = await newDevis();
    const body = doubtful(d.id);
    const [a, b] = await Promise.all([post(body, 'review-1'), post(body, 'review-1')]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect(a.body.review).toEqual({
      status: 'pending',
      message: expect.stringMatching(/un conseiller Passerelle va la relire/),
      reviewedAt: null,
      verdict: null,
      note: null,
    });

    const sessions = await sessionsOf(d.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      status: 'open',
      origin: 'review',
      assistant_enabled: false,
    });
    const [analysis] = await query<{ review_status: string; support_session_id: string }>(
      t,
      'SELECT review_status, support_session_id FROM gpt_analyses WHERE id = $1',
      [a.body.id],
    );
    expect(analysis).toEqual({ review_status: 'pending', support_session_id: sessions[0].id });

    const messages = await messagesOf(sessions[0].id);
    expect(messages).toHaveLength(1);
    expect(messages[0].role).toBe('system');
    expect(messages[0].content).toContain('confiance 35 % sous le seuil de 60 %');
    expect(messages[0].content).toContain(`devis ${d.reference}`);
    expect(messages[0].content).toContain('Score 41/100, note D');
    expect(messages[0].content).toContain('prix dans la moyenne');

    // Staff see the devis and the analysis from the conversation.
    const detail = await t
      .http()
      .get(`/api/admin/chat/sessions/${sessions[0].id}`)
      .set(bearer(staff))
      .expect(200);
    expect(detail.body).toMatchObject({ devisId: d.id, status: 'open' });
  });

  it('keeps one conversation per devis without a key too: the second analysis is a message in it', async () => {
    const d = await newDevis();
    const [a, b] = await Promise.all([post(doubtful(d.id)), post(doubtful(d.id))]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
    const sessions = await sessionsOf(d.id);
    expect(sessions).toHaveLength(1);
    const messages = await messagesOf(sessions[0].id);
    expect(messages.map((m) => m.sequence)).toEqual([1, 2]);
    const linked = await query<{ support_session_id: string }>(
      t,
      'SELECT support_session_id FROM gpt_analyses WHERE devis_id = $1',
      [d.id],
    );
    expect(linked.map((r) => r.support_session_id)).toEqual([sessions[0].id, sessions[0].id]);
  });

  it('leaves confident analyses alone, and treats grade E as doubtful whatever the confidence', async () => {
    const d = await newDevis();
    const fine = await post(analysisBody(d.id)).expect(201);
    expect(fine.body.review).toMatchObject({ status: 'none', message: null });
    expect(await sessionsOf(d.id)).toHaveLength(0);

    const e = await post(analysisBody(d.id, { gptScore: 20, gptGrade: 'E', confidence: 95 }));
    expect(e.status).toBe(201);
    expect(e.body.review.status).toBe('pending');
    const [session] = await sessionsOf(d.id);
    expect((await messagesOf(session.id))[0].content).toMatch(/^Analyse à vérifier \(note E\)/);
  });

  it('follows the threshold of the chat settings', async () => {
    const setThreshold = (value: unknown) =>
      t
        .http()
        .patch('/api/admin/chat/settings')
        .set(bearer(admin))
        .send({ reviewConfidenceThreshold: value });
    const bad = await setThreshold(101).expect(400);
    expect(bad.body.details.map((x: Json) => x.field)).toEqual(['reviewConfidenceThreshold']);
    try {
      expect((await setThreshold(90).expect(200)).body.reviewConfidenceThreshold).toBe(90);
      const d = await newDevis();
      const res = await post(analysisBody(d.id, { confidence: 85 })).expect(201);
      expect(res.body.review.status).toBe('pending');
      expect(await sessionsOf(d.id)).toHaveLength(1);
    } finally {
      await setThreshold(60).expect(200);
    }
  });

  it('through MCP: the tool answer says a person will review it, and one session opens', async () => {
    const d = await newDevis();
    const client = new Client({ name: 'passerelle-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: bearer(gptKey) },
      }),
    );
    try {
      const args = { ...doubtful(d.id), idempotencyKey: 'mcp-review-1' };
      const [first, retry] = (await Promise.all([
        client.callTool({ name: 'createAnalysis', arguments: args }),
        client.callTool({ name: 'createAnalysis', arguments: args }),
      ])) as Json[];
      expect(first.isError).toBeFalsy();
      expect(first.structuredContent.review).toMatchObject({ status: 'pending' });
      expect(JSON.stringify(first.content)).toContain('un conseiller Passerelle va la relire');
      expect(retry.structuredContent.id).toBe(first.structuredContent.id);
      const sessions = await sessionsOf(d.id);
      expect(sessions).toHaveLength(1);
      const [row] = await query<{ support_session_id: string }>(
        t,
        'SELECT support_session_id FROM gpt_analyses WHERE id = $1',
        [first.structuredContent.id],
      );
      expect(row.support_session_id).toBe(sessions[0].id);
    } finally {
      await client.close();
    }
  });

  it('lets staff mark it reviewed; assistants then read the verdict; bad input changes nothing', async () => {
    const d = await newDevis();
    const posted = (await post(doubtful(d.id)).expect(201)).body as Json;
    const analyses = t.get(GptAnalysesService);
    const before = (await analyses.awaitingReview()).count;
    const url = `/api/admin/gpt-analyses/${posted.id}/review`;

    await t.http().post(url).send({ verdict: 'confirmed' }).expect(401);
    await t.http().post(url).set(bearer(gptKey)).send({ verdict: 'confirmed' }).expect(401);
    const user = await loginAs(t, 'user');
    await t.http().post(url).set(bearer(user.token)).send({ verdict: 'confirmed' }).expect(403);
    const bad = await t
      .http()
      .post(url)
      .set(bearer(staff))
      .send({ verdict: 'maybe', note: 'x'.repeat(2001) })
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((x: Json) => x.field).sort()).toEqual(['note', 'verdict']);
    await t
      .http()
      .post('/api/admin/gpt-analyses/00000000-0000-4000-8000-000000000000/review')
      .set(bearer(staff))
      .send({ verdict: 'confirmed' })
      .expect(404);
    expect((await analyses.awaitingReview()).count).toBe(before);

    const reviewed = await t
      .http()
      .post(url)
      .set(bearer(staff))
      .send({ verdict: 'corrected', note: ' Décennale fournie <b>en annexe</b>. ' })
      .expect(200);
    expect(reviewed.body.review).toMatchObject({
      status: 'reviewed',
      verdict: 'corrected',
      note: 'Décennale fournie en annexe.',
      reviewedAt: expect.any(String),
    });
    expect((await analyses.awaitingReview()).count).toBe(before - 1);
    const [row] = await query<{ reviewed_by_id: string }>(
      t,
      'SELECT reviewed_by_id FROM gpt_analyses WHERE id = $1',
      [posted.id],
    );
    expect(row.reviewed_by_id).toBe(staffId);

    const listed = await t
      .http()
      .get(`/api/gpt/devis/${d.id}/analyses`)
      .set(bearer(gptKey))
      .expect(200);
    const mine = listed.body.analyses.find((x: Json) => x.id === posted.id);
    expect(mine.review).toMatchObject({ status: 'reviewed', verdict: 'corrected' });
  });

  it('opens a new conversation once the previous one of the devis is resolved', async () => {
    const d = await newDevis();
    await post(doubtful(d.id)).expect(201);
    const [first] = await sessionsOf(d.id);
    await t
      .http()
      .post(`/api/admin/chat/sessions/${first.id}/resolve`)
      .set(bearer(staff))
      .expect(200);
    await post(doubtful(d.id)).expect(201);
    const sessions = await sessionsOf(d.id);
    expect(sessions.map((s) => s.status)).toEqual(['resolved', 'open']);
  });

  it('tells staff by webhook, retried after a failure, once per new conversation', async () => {
    const d = await newDevis();
    const posted = (await post(doubtful(d.id)).expect(201)).body as Json;
    const [session] = await sessionsOf(d.id);
    const delivered = await waitFor('the webhook delivered', async () =>
      receiver.calls.find((c) => c.status === 204 && c.body.session?.analysisId === posted.id),
    );
    expect(delivered.body).toEqual({
      event: 'support.session.open',
      session: {
        id: session.id,
        reason: 'doubtful-analysis',
        title: expect.stringContaining(d.reference),
        devisId: d.id,
        analysisId: posted.id,
      },
      at: expect.any(String),
    });
    // A second doubtful analysis of the same devis joins the conversation: no second alert.
    const count = receiver.calls.filter((c) => c.body.session?.id === session.id).length;
    await post(doubtful(d.id)).expect(201);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.calls.filter((c) => c.body.session?.id === session.id)).toHaveLength(count);
  });

  it('tells staff when a visitor asks for a human too', async () => {
    const created = await t.http().post('/api/chat/create-session').send({}).expect(201);
    await t
      .http()
      .post('/api/chat/message')
      .set(bearer(created.body.sessionToken))
      .send({ sessionId: created.body.sessionId, message: 'Je veux parler à un conseiller' })
      .expect(200);
    const call = await waitFor('the handoff webhook', async () =>
      receiver.calls.find((c) => c.body.session?.id === created.body.sessionId),
    );
    expect(call.body.session).toMatchObject({ reason: 'handoff', devisId: null });
  });

  it('in the back-office: staff mark an analysis reviewed; the dashboard counts those awaiting', async () => {
    const d = await newDevis();
    const posted = (await post(doubtful(d.id)).expect(201)).body as Json;
    const agent = request.agent(t.app.getHttpServer());
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email: ADMIN.email, password: ADMIN.password })
      .expect(302);
    const dash = async () =>
      ((await agent.get('/admin/api/dashboard').expect(200)).body as Json).analysesAwaitingReview;
    const before = await dash();
    expect(before.count).toBeGreaterThanOrEqual(1);

    const url = `/admin/api/resources/gpt-analyses/records/${posted.id}/markReviewed`;
    const refused = await agent.post(url).send({ verdict: 'perhaps' });
    expect(refused.body.notice).toMatchObject({ type: 'error' });
    const done = await agent.post(url).send({ verdict: 'rejected', note: 'Prix mal lus.' });
    expect(done.body.notice).toMatchObject({
      type: 'success',
      message: 'Analysis marked reviewed',
    });
    expect(done.body.record.params).toMatchObject({
      reviewStatus: 'reviewed',
      reviewVerdict: 'rejected',
      reviewNote: 'Prix mal lus.',
    });
    expect((await dash()).count).toBe(before.count - 1);
  });
});
