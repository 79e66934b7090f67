import { createHash } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_HANDOFF_KEYWORDS } from '../migrations/1764115200000-Chat';
import {
  DEFAULT_CHAT_WELCOME_EN,
  DEFAULT_CHAT_WELCOME_FR,
} from '../migrations/1765238400000-ChatRatingAndWelcomeLanguages';
import { mockChatReply } from '../src/chat/chat-assistant.service';
import { ChatStaffService } from '../src/chat/chat-staff.service';
import { FALLBACK_NOTICE, HANDOFF_NOTICE, RESOLVED_NOTICE } from '../src/chat/chat-messages';
import { LlmUsageRecorder } from '../src/llm-providers/usage/llm-usage.recorder';
import { historyOf, newVisitor, sendAs, SseReader } from './support/chat-client';
import { FAKE_USAGE, FakeLlmProviders, fakeReply } from './support/fake-llm-providers';
import { bearer, loginAs, query, sleep, startTestApp, TestApp } from './support/test-app';

const OPENAI_KEY = 'sk-proj-' + 'A1b2C3d4E5f6G7h8I9j0'.repeat(3);
const MISTRAL_KEY = 'Mm1Nn2Oo3Pp4Qq5Rr6Ss7Tt8Uu9Vv0Ww';
const HOSTILE_REPLY =
  '<img src=x onerror=alert(1)><b>Bold</b> answer &lt;script&gt;evil()&lt;/script&gt;<script>steal()</script>';

/** What markup looks like to a browser: `<` followed by a letter, `/`, `!` or `?`. */
const MARKUP = /<[a-zA-Z!/?]/;

/** A loopback Mistral-compatible server whose model answers with hostile markup. */
async function startHostileProvider(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'cmpl-hostile',
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'mistral-small-latest',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: HOSTILE_REPLY },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('Support chat (high limits; the limits themselves are in chat-limits.e2e-spec.ts)', () => {
  const fake = new FakeLlmProviders();
  let hostile: { url: string; server: Server };
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof loginAs>>;
  let staff: Awaited<ReturnType<typeof loginAs>>;

  beforeAll(async () => {
    await fake.start();
    hostile = await startHostileProvider();
    t = await startTestApp({
      listen: true,
      env: {
        ...fake.env(),
        MISTRAL_BASE_URL: `${hostile.url}/v1`,
        LLM_MAX_RETRIES: '0',
        LLM_TIMEOUT_MS: '2000',
        CHAT_MESSAGE_LIMIT: '10000',
        CHAT_READ_LIMIT: '10000',
        CHAT_CREATE_SESSION_LIMIT: '10000',
        CHAT_SSE_HEARTBEAT_MS: '300',
      },
    });
    admin = await loginAs(t, 'admin');
    staff = await loginAs(t, 'staff');
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await t?.close();
    await fake.close();
    await new Promise((r) => hostile?.server.close(r));
  });

  const patchSettings = (body: object, token = admin.token) =>
    t.http().patch('/api/admin/chat/settings').set(bearer(token)).send(body);

  describe('sessions and ownership', () => {
    it('creates an anonymous session with a random token, stored only as its hash', async () => {
      const res = await t.http().post('/api/chat/create-session').send({}).expect(201);
      expect(res.body).toMatchObject({
        sessionId: expect.any(String),
        sessionToken: expect.stringMatching(/^chat_[A-Za-z0-9]{43}$/),
        status: 'pending',
        assistantEnabled: true,
        messages: [
          {
            sequence: 1,
            role: 'assistant',
            senderName: 'Assistant',
            content: DEFAULT_CHAT_WELCOME_FR, // no Accept-Language: French
          },
        ],
      });
      // no body at all is fine too (a bare `fetch(url, { method: 'POST' })`)
      const other = await t.http().post('/api/chat/create-session').expect(201);
      expect(other.body.sessionToken).not.toBe(res.body.sessionToken);

      const [row] = await query<{ visitor_token_hash: string; user_id: string | null }>(
        t,
        `SELECT visitor_token_hash, user_id FROM chat_sessions WHERE id = $1`,
        [res.body.sessionId],
      );
      expect(row).toEqual({
        visitor_token_hash: createHash('sha256').update(res.body.sessionToken).digest('hex'),
        user_id: null,
      });
      const dump = await query(t, `SELECT * FROM chat_sessions`);
      expect(JSON.stringify(dump)).not.toContain(res.body.sessionToken);
    });

    it('accepts the token as Authorization: Bearer or X-Chat-Token; anyone else gets 404', async () => {
      const mine = await newVisitor(t);
      const theirs = await newVisitor(t);
      await t
        .http()
        .get('/api/chat/history')
        .query({ sessionId: mine.id })
        .set(bearer(mine.token))
        .expect(200);
      await historyOf(t, mine).expect(200);

      const asOther = { ...mine, token: theirs.token };
      for (const res of [
        await historyOf(t, asOther),
        await sendAs(t, asOther, 'hello'),
        await fetch(`${t.url}/api/chat/stream?sessionId=${mine.id}`, {
          headers: { 'X-Chat-Token': theirs.token },
        }).then(async (r) => ({ status: r.status, body: await r.json() })),
        await historyOf(t, { ...mine, token: 'chat_made-up-token' }),
        await historyOf(t, { ...mine, id: '00000000-0000-4000-8000-000000000000' }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
      }
      // Nothing was written to the session by the failed attempt.
      const history = await historyOf(t, mine).expect(200);
      expect(history.body.messages).toHaveLength(1);

      const anonymous = await t.http().get('/api/chat/history').query({ sessionId: mine.id });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('AUTH_REQUIRED');
      const notUuid = await historyOf(t, { ...mine, id: 'not-a-uuid' });
      expect(notUuid.status).toBe(400);
    });

    it("ties a logged-in user's session to the user, not to a token", async () => {
      const alice = await loginAs(t, 'user');
      const bob = await loginAs(t, 'user');
      const res = await t
        .http()
        .post('/api/chat/create-session')
        .set(bearer(alice.token))
        .send({})
        .expect(201);
      expect(res.body.sessionToken).toBeNull();
      const [row] = await query<{ user_id: string; visitor_token_hash: string | null }>(
        t,
        `SELECT user_id, visitor_token_hash FROM chat_sessions WHERE id = $1`,
        [res.body.sessionId],
      );
      expect(row).toEqual({ user_id: alice.user.id, visitor_token_hash: null });

      const sent = await t
        .http()
        .post('/api/chat/message')
        .set(bearer(alice.token))
        .send({ sessionId: res.body.sessionId, message: 'Hi, it is Alice' })
        .expect(200);
      expect(sent.body.message).toMatchObject({ role: 'user', senderName: 'Test user' });
      await t
        .http()
        .get('/api/chat/history')
        .query({ sessionId: res.body.sessionId })
        .set(bearer(bob.token))
        .expect(404);
      const bad = await t
        .http()
        .post('/api/chat/create-session')
        .set(bearer('pas_' + 'x'.repeat(48)))
        .send({});
      expect(bad.status).toBe(401);
      expect(bad.body.code).toBe('SESSION_INVALID');
    });
  });

  describe('messages, validation and sanitizing', () => {
    it('stores the message and answers with the deterministic mock when no key is configured', async () => {
      const v = await newVisitor(t);
      const res = await sendAs(t, v, '  Où en est mon devis ?  ').expect(200);
      expect(res.body).toMatchObject({
        sessionId: v.id,
        status: 'pending',
        assistantEnabled: true,
        message: { sequence: 2, role: 'user', content: 'Où en est mon devis ?', tokensUsed: null },
        reply: {
          sequence: 3,
          role: 'assistant',
          senderName: 'Assistant',
          content: mockChatReply('Où en est mon devis ?'),
          tokensUsed: expect.any(Number),
        },
      });
      // Deterministic: the same question elsewhere gets the same answer.
      const again = await sendAs(t, await newVisitor(t), 'Où en est mon devis ?').expect(200);
      expect(again.body.reply.content).toBe(res.body.reply.content);
      expect(fake.calls).toHaveLength(0);
    });

    const XSS: [string, string | null][] = [
      ['<script>alert(1)</script>', null],
      ['<img src=x onerror=alert(1)>', null],
      ['<svg onload=alert(1)>', null],
      ['<b>bold</b> and <i>italic</i><script>steal()</script>', 'bold and italic'],
      ['<a href="javascript:alert(1)">click me</a>', 'click me'],
      ['<iframe src="javascript:alert(1)"></iframe>hello', 'hello'],
      ['&lt;script&gt;alert(1)&lt;/script&gt;after', 'after'],
      ['<scr<script>ipt>alert(1)</scr</script>ipt>', 'ipt>alert(1)ipt>'],
      ['"><img src=x onerror=alert(1)>quoted', '">quoted'],
      ['<style>body{display:none}</style>styled', 'styled'],
      ['<!--<script>alert(1)</script>-->comment', 'comment'],
      ['<details open ontoggle=alert(1)>details', 'details'],
      ['2 < 3 & 5 > 4', '2 < 3 & 5 > 4'],
    ];
    it.each(XSS)('cleans %j before storing it', async (payload, expected) => {
      const v = await newVisitor(t);
      const res = await sendAs(t, v, payload);
      if (expected === null) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
          code: 'VALIDATION_FAILED',
          details: [{ field: 'message' }],
        });
        return;
      }
      expect(res.status).toBe(200);
      expect(res.body.message.content).toBe(expected);
      expect(res.body.message.content).not.toMatch(MARKUP);
      expect(res.body.reply.content).not.toMatch(MARKUP);
      const stored = await query<{ content: string }>(
        t,
        `SELECT content FROM chat_messages WHERE session_id = $1`,
        [v.id],
      );
      for (const row of stored) expect(row.content).not.toMatch(MARKUP);
    });

    it('normalises to NFC, removes control characters, keeps newlines and tabs, trims', async () => {
      const v = await newVisitor(t);
      const res = await sendAs(t, v, '\u0000 Cafe\u0301\u0007\r\nligne\t2 \u001b\u202e ').expect(
        200,
      );
      expect(res.body.message.content).toBe('Café\nligne\t2');
    });

    it('refuses empty, blank, too long, missing or extra input with 400', async () => {
      const v = await newVisitor(t);
      const cases: [unknown, object?][] = [
        [''],
        ['   \n\t  '],
        ['\u0000\u0001\u0002'],
        ['<p> </p>'],
        ['x'.repeat(4001)],
        [42],
        [undefined],
      ];
      for (const [message] of cases) {
        const res = await sendAs(t, v, message);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const extra = await t
        .http()
        .post('/api/chat/message')
        .set('X-Chat-Token', v.token)
        .send({ sessionId: v.id, message: 'hi', role: 'staff' });
      expect(extra.status).toBe(400);
      await sendAs(t, v, '😀'.repeat(4000)).expect(200);
      const history = await historyOf(t, v).expect(200);
      // welcome, the 4,000-emoji message and its reply: the refused ones left nothing behind
      expect(history.body.messages.map((m: { role: string }) => m.role)).toEqual([
        'assistant',
        'user',
        'assistant',
      ]);
    });
  });

  describe('history cursors', () => {
    it('returns only messages after the cursor, with gapless sequences', async () => {
      const v = await newVisitor(t);
      await sendAs(t, v, 'one').expect(200);
      await sendAs(t, v, 'two').expect(200);
      const all = await historyOf(t, v).expect(200);
      expect(all.body.messages.map((m: { sequence: number }) => m.sequence)).toEqual([
        1, 2, 3, 4, 5,
      ]);
      expect(all.body.lastSequence).toBe(5);
      const after3 = await historyOf(t, v, 3).expect(200);
      expect(after3.body.messages.map((m: { content: string }) => m.content)).toEqual([
        'two',
        mockChatReply('two'),
      ]);
      const none = await historyOf(t, v, 5).expect(200);
      expect(none.body).toMatchObject({ messages: [], lastSequence: 5, status: 'pending' });
      await historyOf(t, v, -1).expect(400);
    });

    it('hands out unique, gapless sequences under concurrent writers', async () => {
      const v = await newVisitor(t);
      const results = await Promise.all(
        Array.from({ length: 15 }, (_, i) => sendAs(t, v, `burst ${i}`)),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      const history = await historyOf(t, v).expect(200);
      const sequences = history.body.messages.map((m: { sequence: number }) => m.sequence);
      expect(sequences).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      // every reply directly follows its question
      for (const r of results) expect(r.body.reply.sequence).toBe(r.body.message.sequence + 1);
    });
  });

  describe('LLM replies through LlmProviders (loopback providers)', () => {
    let openaiKeyId: string;

    beforeAll(async () => {
      const key = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(admin.token))
        .send({ provider: 'openai', name: 'Support chat', apiKey: OPENAI_KEY })
        .expect(201);
      openaiKeyId = key.body.id;
    });
    afterAll(async () => {
      await patchSettings({ provider: 'mistral', llmKeyId: null, model: null }).expect(200);
    });

    it('only accepts a key of the admin who sets it, active, for the provider', async () => {
      const other = await loginAs(t, 'admin');
      const res = await patchSettings({ provider: 'openai', llmKeyId: openaiKeyId }, other.token);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'llmKeyId', messages: [expect.any(String)] }]);
      await patchSettings({ provider: 'groq', llmKeyId: openaiKeyId }).expect(400);
      await patchSettings({ llmKeyId: openaiKeyId }, staff.token).expect(403);
    });

    it('answers with the provider, the system prompt and the earlier turns as context', async () => {
      const settings = await patchSettings({
        provider: 'openai',
        llmKeyId: openaiKeyId,
        model: 'gpt-4o-mini',
        systemPrompt: 'You are Passerelle support. Be brief.',
      }).expect(200);
      expect(settings.body).toMatchObject({ provider: 'openai', mockReplies: false });

      const alice = await loginAs(t, 'user');
      const session = await t
        .http()
        .post('/api/chat/create-session')
        .set(bearer(alice.token))
        .send({})
        .expect(201);
      const say = (message: string) =>
        t
          .http()
          .post('/api/chat/message')
          .set(bearer(alice.token))
          .send({ sessionId: session.body.sessionId, message })
          .expect(200);
      const first = await say('My quote is missing');
      expect(first.body.reply).toMatchObject({
        role: 'assistant',
        content: fakeReply('openai'),
        tokensUsed: FAKE_USAGE.prompt + FAKE_USAGE.completion,
      });
      await say('It was sent on Monday');

      const calls = fake.callsTo('openai');
      expect(calls).toHaveLength(2);
      expect(calls[1].credential).toBe(`Bearer ${OPENAI_KEY}`);
      expect(calls[1].body.model).toBe('gpt-4o-mini');
      expect(calls[1].body.messages).toEqual([
        { role: 'system', content: 'You are Passerelle support. Be brief.' },
        { role: 'assistant', content: DEFAULT_CHAT_WELCOME_FR },
        { role: 'user', content: 'My quote is missing' },
        { role: 'assistant', content: fakeReply('openai') },
        { role: 'user', content: 'It was sent on Monday' },
      ]);

      await t.get(LlmUsageRecorder).flush();
      const logs = await query<{
        key_id: string;
        user_id: string;
        status: string;
        is_mock: boolean;
      }>(t, `SELECT key_id, user_id, status, is_mock FROM llm_usage_logs WHERE key_id = $1`, [
        openaiKeyId,
      ]);
      expect(logs).toEqual([
        { key_id: openaiKeyId, user_id: alice.user.id, status: 'success', is_mock: false },
        { key_id: openaiKeyId, user_id: alice.user.id, status: 'success', is_mock: false },
      ]);
    });

    it('falls back politely on a provider failure, keeps the message and hands over to staff', async () => {
      await patchSettings({ provider: 'openai', llmKeyId: openaiKeyId }).expect(200);
      for (const status of [500, 401]) {
        fake.fail('openai', { kind: 'status', status });
        const v = await newVisitor(t);
        const res = await sendAs(t, v, 'Is anybody there?').expect(200);
        expect(res.body).toMatchObject({
          status: 'open',
          message: { sequence: 2, role: 'user', content: 'Is anybody there?' },
          reply: { sequence: 3, role: 'system', content: FALLBACK_NOTICE },
        });
        expect(JSON.stringify(res.body)).not.toContain(OPENAI_KEY);
        const history = await historyOf(t, v).expect(200);
        expect(history.body.messages.map((m: { role: string }) => m.role)).toEqual([
          'assistant',
          'user',
          'system',
        ]);
        // Open: staff answer from now on, the assistant stays quiet.
        const next = await sendAs(t, v, 'Hello?').expect(200);
        expect(next.body).toMatchObject({ status: 'open', reply: null });
      }
      expect(fake.callsTo('openai')).toHaveLength(2);
    });

    it('checks the key’s monthly budget like every LLM call: a spent budget hands over to staff', async () => {
      const spent = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(admin.token))
        .send({ provider: 'openai', name: 'Spent', apiKey: OPENAI_KEY, monthlyBudgetUsd: 0 })
        .expect(201);
      await patchSettings({ provider: 'openai', llmKeyId: spent.body.id, fallbacks: [] }).expect(
        200,
      );
      const v = await newVisitor(t);
      const res = await sendAs(t, v, 'Budget?').expect(200);
      expect(res.body).toMatchObject({
        status: 'open',
        reply: { role: 'system', content: FALLBACK_NOTICE },
      });
      expect(fake.callsTo('openai')).toHaveLength(0);
    });

    it('tries the settings’ fallbacks in order when the provider is rate-limited', async () => {
      const groq = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(admin.token))
        .send({
          provider: 'groq',
          name: 'Support fallback',
          apiKey: 'gsk_' + 'Fb1Gg2Rr3Oo4Qq5Zz6Yy7'.repeat(2),
        })
        .expect(201);
      const other = await loginAs(t, 'admin');
      const notMine = await patchSettings(
        { fallbacks: [{ provider: 'groq', keyId: groq.body.id }] },
        other.token,
      );
      expect(notMine.status).toBe(400);
      expect(notMine.body.details[0].field).toBe('fallbacks.0.keyId');
      const settings = await patchSettings({
        provider: 'openai',
        llmKeyId: openaiKeyId,
        fallbacks: [{ provider: 'groq', model: 'llama-3.1-8b-instant', keyId: groq.body.id }],
      }).expect(200);
      expect(settings.body.fallbacks).toEqual([
        { provider: 'groq', model: 'llama-3.1-8b-instant', keyId: groq.body.id },
      ]);
      fake.fail('openai', { kind: 'status', status: 429 });
      const v = await newVisitor(t);
      const res = await sendAs(t, v, 'Anyone?').expect(200);
      expect(res.body.reply).toMatchObject({ role: 'assistant', content: fakeReply('groq') });
      expect(fake.callsTo('groq')[0].body.model).toBe('llama-3.1-8b-instant');
      await patchSettings({ fallbacks: [] }).expect(200);
    });

    it('drops a late assistant reply when staff took the session over during the provider call', async () => {
      await patchSettings({ provider: 'openai', llmKeyId: openaiKeyId }).expect(200);
      fake.fail('openai', { kind: 'slow', ms: 800 });
      const v = await newVisitor(t);
      // Sent now (a supertest request starts when awaited or then-ed).
      const asking = sendAs(t, v, 'Mon devis est-il correct ?').then((r) => r);
      // While the provider is still thinking, a staff member answers.
      await sleep(300);
      await t
        .http()
        .post(`/api/admin/chat/sessions/${v.id}/reply`)
        .set(bearer(staff.token))
        .send({ message: 'Bonjour, je regarde votre devis.' })
        .expect(201);
      const res = await asking;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assistantEnabled: false, reply: null });
      const history = await historyOf(t, v).expect(200);
      expect(history.body.messages.map((m: { role: string }) => m.role)).toEqual([
        'assistant',
        'user',
        'staff',
      ]);
      expect(fake.callsTo('openai')).toHaveLength(1);
    });

    it('answers with the mock under CHAT_MOCK_MODE-like conditions: key deactivated', async () => {
      await patchSettings({ provider: 'openai', llmKeyId: openaiKeyId }).expect(200);
      await t
        .http()
        .patch(`/api/llm/keys/${openaiKeyId}`)
        .set(bearer(admin.token))
        .send({ isActive: false })
        .expect(200);
      const v = await newVisitor(t);
      const res = await sendAs(t, v, 'Any news?').expect(200);
      expect(res.body.reply.content).toBe(mockChatReply('Any news?'));
      expect(fake.calls).toHaveLength(0);
      await t
        .http()
        .patch(`/api/llm/keys/${openaiKeyId}`)
        .set(bearer(admin.token))
        .send({ isActive: true })
        .expect(200);
    });

    it('sanitizes assistant replies like user messages', async () => {
      const key = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(admin.token))
        .send({ provider: 'mistral', name: 'Hostile', apiKey: MISTRAL_KEY })
        .expect(201);
      await patchSettings({ provider: 'mistral', llmKeyId: key.body.id, model: null }).expect(200);
      const v = await newVisitor(t);
      const res = await sendAs(t, v, 'Say something').expect(200);
      expect(res.body.reply.role).toBe('assistant');
      expect(res.body.reply.content).toBe('Bold answer');
      const [row] = await query<{ content: string }>(
        t,
        `SELECT content FROM chat_messages WHERE session_id = $1 AND role = 'assistant' AND sequence = 3`,
        [v.id],
      );
      expect(row.content).toBe('Bold answer');
    });
  });

  describe('handoff and staff', () => {
    it('moves the session to open on a handoff keyword and stops auto-replies', async () => {
      expect(DEFAULT_HANDOFF_KEYWORDS).toContain('human');
      const v = await newVisitor(t);
      const res = await sendAs(t, v, 'I want to talk to a HUMAN please').expect(200);
      expect(res.body).toMatchObject({
        status: 'open',
        assistantEnabled: false,
        reply: { role: 'system', content: HANDOFF_NOTICE },
      });
      const next = await sendAs(t, v, 'Still there?').expect(200);
      expect(next.body).toMatchObject({ status: 'open', reply: null });
      // "agenda" is not "agent"
      const other = await sendAs(t, await newVisitor(t), 'Check my agenda').expect(200);
      expect(other.body.reply.role).toBe('assistant');
    });

    it('lets staff list, read, reply (assistant off), assign and resolve', async () => {
      const v = await newVisitor(t);
      await sendAs(t, v, 'My invoice is wrong').expect(200);
      const pending = await t
        .http()
        .get('/api/admin/chat/sessions')
        .query({ status: 'pending', limit: 200 })
        .set(bearer(staff.token))
        .expect(200);
      expect(pending.body.items.map((s: { id: string }) => s.id)).toContain(v.id);
      expect(pending.body.items.every((s: { status: string }) => s.status === 'pending')).toBe(
        true,
      );

      const detail = await t
        .http()
        .get(`/api/admin/chat/sessions/${v.id}`)
        .set(bearer(staff.token))
        .expect(200);
      expect(detail.body).toMatchObject({
        id: v.id,
        title: 'My invoice is wrong',
        status: 'pending',
        messages: [
          { sequence: 1 },
          { sequence: 2, content: 'My invoice is wrong' },
          { sequence: 3 },
        ],
      });

      const reply = await t
        .http()
        .post(`/api/admin/chat/sessions/${v.id}/reply`)
        .set(bearer(staff.token))
        .send({ message: 'Hello, <b>Claire</b> here. <script>x()</script>Checking now.' })
        .expect(201);
      expect(reply.body).toMatchObject({
        sequence: 4,
        role: 'staff',
        senderName: 'Test staff',
        content: 'Hello, Claire here. Checking now.',
      });
      const after = await sendAs(t, v, 'Thanks!').expect(200);
      expect(after.body).toMatchObject({ status: 'open', assistantEnabled: false, reply: null });

      const open = await t
        .http()
        .get('/api/admin/chat/sessions')
        .query({ status: 'open', limit: 200 })
        .set(bearer(staff.token))
        .expect(200);
      const listed = open.body.items.find((s: { id: string }) => s.id === v.id);
      expect(listed).toMatchObject({ assignedStaffId: staff.user.id, assistantEnabled: false });

      const colleague = await loginAs(t, 'staff');
      const assigned = await t
        .http()
        .post(`/api/admin/chat/sessions/${v.id}/assign`)
        .set(bearer(staff.token))
        .send({ staffId: colleague.user.id })
        .expect(200);
      expect(assigned.body.assignedStaffId).toBe(colleague.user.id);
      const plainUser = await loginAs(t, 'user');
      await t
        .http()
        .post(`/api/admin/chat/sessions/${v.id}/assign`)
        .set(bearer(staff.token))
        .send({ staffId: plainUser.user.id })
        .expect(404);

      const resolved = await t
        .http()
        .post(`/api/admin/chat/sessions/${v.id}/resolve`)
        .set(bearer(colleague.token))
        .expect(200);
      expect(resolved.body.status).toBe('resolved');
      const history = await historyOf(t, v, 5).expect(200);
      expect(history.body).toMatchObject({
        status: 'resolved',
        messages: [{ role: 'system', content: RESOLVED_NOTICE }],
      });
      // Writing again reopens it for staff (the assistant stays off for this session).
      const reopened = await sendAs(t, v, 'One more thing').expect(200);
      expect(reopened.body).toMatchObject({ status: 'open', reply: null });
    });

    it('summarises open sessions for the dashboard: counts, then the longest waiting', async () => {
      const v = await newVisitor(t);
      await sendAs(t, v, 'a human please').expect(200); // handoff: open, nobody assigned
      const summary = await t.get(ChatStaffService).openChatsSummary(500);
      const [counts] = await query<{ open: number; unassigned: number }>(
        t,
        `SELECT count(*)::int AS open,
                count(*) FILTER (WHERE assigned_staff_id IS NULL)::int AS unassigned
           FROM chat_sessions WHERE status = 'open'`,
      );
      expect(summary).toMatchObject(counts);
      expect(summary.waiting).toHaveLength(Math.min(counts.open, 500));
      expect(summary.waiting.find((w) => w.id === v.id)).toMatchObject({
        title: 'a human please',
        lastMessageAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      });
      const times = summary.waiting.map((w) => w.lastMessageAt ?? '');
      expect(times).toEqual([...times].sort());
      expect((await t.get(ChatStaffService).openChatsSummary(1)).waiting).toHaveLength(1);
    });

    it('keeps staff routes for staff: 401 anonymous, 403 users, 404 unknown sessions', async () => {
      const v = await newVisitor(t);
      const user = await loginAs(t, 'user');
      await t.http().get('/api/admin/chat/sessions').expect(401);
      await t.http().get('/api/admin/chat/sessions').set(bearer(user.token)).expect(403);
      await t
        .http()
        .post(`/api/admin/chat/sessions/${v.id}/reply`)
        .set(bearer(user.token))
        .send({ message: 'hi' })
        .expect(403);
      // a visitor token is no staff credential
      await t.http().get('/api/admin/chat/sessions').set(bearer(v.token)).expect(401);
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
        await t.http().get(`/api/admin/chat/sessions/${id}`).set(bearer(staff.token)).expect(404);
        await t
          .http()
          .post(`/api/admin/chat/sessions/${id}/resolve`)
          .set(bearer(staff.token))
          .expect(404);
      }
      await t
        .http()
        .post(`/api/admin/chat/sessions/${v.id}/reply`)
        .set(bearer(staff.token))
        .send({ message: '<script>only()</script>' })
        .expect(400);
    });
  });

  describe('settings', () => {
    afterAll(async () => {
      await patchSettings({ autoReplyEnabled: true, welcomeMessage: DEFAULT_CHAT_WELCOME_FR });
    });

    it('are seeded by the migration and editable by admins only', async () => {
      const res = await t
        .http()
        .get('/api/admin/chat/settings')
        .set(bearer(admin.token))
        .expect(200);
      expect(res.body).toMatchObject({
        autoReplyEnabled: true,
        welcomeMessage: DEFAULT_CHAT_WELCOME_FR,
        welcomeMessageFr: DEFAULT_CHAT_WELCOME_FR,
        welcomeMessageEn: DEFAULT_CHAT_WELCOME_EN,
        handoffKeywords: DEFAULT_HANDOFF_KEYWORDS,
        mockReplies: true,
      });
      await t.http().get('/api/admin/chat/settings').set(bearer(staff.token)).expect(403);
      await patchSettings({ provider: 'nope' }).expect(400);

      await patchSettings({ welcomeMessage: 'Bienvenue <b>!</b>', autoReplyEnabled: false }).expect(
        200,
      );
      const v = await newVisitor(t);
      const history = await historyOf(t, v).expect(200);
      expect(history.body.messages[0].content).toBe('Bienvenue !');
      // auto-reply off: the message waits for staff
      const sent = await sendAs(t, v, 'Hello').expect(200);
      expect(sent.body).toMatchObject({ status: 'open', reply: null });
    });
  });

  describe('SSE stream', () => {
    it('pushes staff and assistant messages as they are stored, with heartbeats', async () => {
      const v = await newVisitor(t);
      const headers = { 'X-Chat-Token': v.token, 'X-Forwarded-For': v.ip };
      const sse = await SseReader.open(
        `${t.url}/api/chat/stream?sessionId=${v.id}&after=1`,
        headers,
      );
      try {
        expect(sse.status).toBe(200);
        await sendAs(t, v, 'Hello stream').expect(200);
        await sse.waitFor(() => sse.messages().length >= 2);
        expect(sse.messages().map((m) => [m.sequence, m.role])).toEqual([
          [2, 'user'],
          [3, 'assistant'],
        ]);
        await t
          .http()
          .post(`/api/admin/chat/sessions/${v.id}/reply`)
          .set(bearer(staff.token))
          .send({ message: 'Staff here' })
          .expect(201);
        await sse.waitFor(() => sse.messages().length >= 3);
        const staffEvent = sse.events.find((e) => e.id === '4');
        expect(staffEvent).toMatchObject({ event: 'message' });
        expect(JSON.parse(staffEvent!.data!)).toMatchObject({
          role: 'staff',
          content: 'Staff here',
        });
        await sse.waitFor((events) => events.some((e) => e.comment === 'ping'), 3_000);

        // polling sees exactly what the stream delivered
        const history = await historyOf(t, v, 1).expect(200);
        expect(history.body.messages).toEqual(sse.messages());
      } finally {
        await sse.close();
      }
    });

    it('keeps at most 5 open streams per session, closing the oldest', async () => {
      const v = await newVisitor(t);
      const open = () =>
        SseReader.open(`${t.url}/api/chat/stream?sessionId=${v.id}`, { 'X-Chat-Token': v.token });
      const streams: SseReader[] = [];
      try {
        for (let i = 0; i < 6; i++) streams.push(await open());
        const deadline = Date.now() + 3_000;
        while (!streams[0].ended && Date.now() < deadline) await sleep(50);
        await sleep(300);
        expect(streams.map((s) => s.ended)).toEqual([true, false, false, false, false, false]);
      } finally {
        await Promise.all(streams.map((s) => s.close()));
      }
    });

    it('resumes after Last-Event-ID and refuses unknown sessions before streaming', async () => {
      const v = await newVisitor(t);
      await sendAs(t, v, 'first').expect(200);
      const sse = await SseReader.open(`${t.url}/api/chat/stream?sessionId=${v.id}`, {
        'X-Chat-Token': v.token,
        'Last-Event-ID': '1',
      });
      try {
        await sse.waitFor(() => sse.messages().length >= 2);
        expect(sse.messages().map((m) => m.sequence)).toEqual([2, 3]);
      } finally {
        await sse.close();
      }
      const res = await fetch(`${t.url}/api/chat/stream?sessionId=${v.id}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/json/);
      await res.arrayBuffer();
    });
  });

  describe('usage stats and deletion', () => {
    it('counts messages, assistant replies and tokens per user per day', async () => {
      const carol = await loginAs(t, 'user');
      await query(
        t,
        `INSERT INTO user_usage_stats (user_id, day, messages_sent, assistant_replies, tokens_used)
         VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 1, 7, 7, 700)`,
        [carol.user.id],
      );
      const session = await t
        .http()
        .post('/api/chat/create-session')
        .set(bearer(carol.token))
        .send({})
        .expect(201);
      const replies: number[] = [];
      for (const message of ['first question', 'second question']) {
        const res = await t
          .http()
          .post('/api/chat/message')
          .set(bearer(carol.token))
          .send({ sessionId: session.body.sessionId, message })
          .expect(200);
        replies.push(res.body.reply.tokensUsed);
      }
      await t
        .http()
        .post('/api/chat/message')
        .set(bearer(carol.token))
        .send({ sessionId: session.body.sessionId, message: 'a human please' })
        .expect(200);
      const rows = await query<{
        day: string;
        messages_sent: number;
        assistant_replies: number;
        tokens_used: string;
      }>(
        t,
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, messages_sent, assistant_replies, tokens_used
           FROM user_usage_stats WHERE user_id = $1 ORDER BY day`,
        [carol.user.id],
      );
      const today = new Date().toISOString().slice(0, 10);
      expect(rows).toHaveLength(2);
      expect(rows[1]).toEqual({
        day: today,
        messages_sent: 3,
        assistant_replies: 2,
        tokens_used: String(replies[0] + replies[1]),
      });
      expect(rows[0]).toMatchObject({ messages_sent: 7, tokens_used: '700' });
      // anonymous visitors have no usage rows
      const before = await query(t, `SELECT count(*)::int AS n FROM user_usage_stats`);
      await sendAs(t, await newVisitor(t), 'anonymous').expect(200);
      expect(await query(t, `SELECT count(*)::int AS n FROM user_usage_stats`)).toEqual(before);
    });

    it('deletes messages with their session, and sessions and stats with their user', async () => {
      const v = await newVisitor(t);
      await sendAs(t, v, 'to be deleted').expect(200);
      await query(t, `DELETE FROM chat_sessions WHERE id = $1`, [v.id]);
      expect(
        await query(t, `SELECT count(*)::int AS n FROM chat_messages WHERE session_id = $1`, [
          v.id,
        ]),
      ).toEqual([{ n: 0 }]);
      await historyOf(t, v).expect(404);

      const dave = await loginAs(t, 'user');
      const s = await t
        .http()
        .post('/api/chat/create-session')
        .set(bearer(dave.token))
        .send({})
        .expect(201);
      await t
        .http()
        .post('/api/chat/message')
        .set(bearer(dave.token))
        .send({ sessionId: s.body.sessionId, message: 'bye' })
        .expect(200);
      await query(t, `DELETE FROM users WHERE id = $1`, [dave.user.id]);
      const left = await query<{ sessions: number; messages: number; stats: number }>(
        t,
        `SELECT (SELECT count(*)::int FROM chat_sessions WHERE id = $1) AS sessions,
                (SELECT count(*)::int FROM chat_messages WHERE session_id = $1) AS messages,
                (SELECT count(*)::int FROM user_usage_stats WHERE user_id = $2) AS stats`,
        [s.body.sessionId, dave.user.id],
      );
      expect(left).toEqual([{ sessions: 0, messages: 0, stats: 0 }]);
    });
  });

  it('serves the support page, its script and stylesheet under the CSP', async () => {
    const page = await t.http().get('/support/chat').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.text).toContain('<script src="/support/chat/chat.js" defer></script>');
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/); // no inline script
    const js = await t.http().get('/support/chat/chat.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.text).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/);
    await t
      .http()
      .get('/support/chat/chat.css')
      .expect('Content-Type', /text\/css/);
  });
});
