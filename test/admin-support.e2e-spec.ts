import request from 'supertest';
import { UsersService } from '../src/users/users.service';
import { FakeLlmProviders } from './support/fake-llm-providers';
import {
  ADMIN,
  bearer,
  createGptKey,
  loginAs,
  query,
  startTestApp,
  TestApp,
} from './support/test-app';

type Agent = ReturnType<typeof request.agent>;

const OPENAI_KEY = 'sk-proj-' + 'D3l3t3M3Pl34s3K3y9'.repeat(3);
const REPLACED_KEY = 'sk-proj-' + 'R3pl4c3dK3yV4lu3Zz'.repeat(3);

/**
 * The back-office's support tools through AdminJS's own API (what its pages post): deleting
 * GPT and provider keys, editing provider keys without ever showing the secret, triaging
 * feedback. Every change goes through the module's service, so it holds on the API at once.
 */
describe('Back-office: key deletion and edit, feedback triage', () => {
  const fake = new FakeLlmProviders();
  let t: TestApp;
  let admin: Agent;
  let staff: Agent;
  const bodies: string[] = [];
  const run = Math.random().toString(36).slice(2, 8);
  const staffUser = { email: `staff-${run}@test.passerelle`, password: 'staff-password-123456' };

  const login = async (email: string, password: string) => {
    const a = request.agent(t.app.getHttpServer());
    await a.post('/admin/login').type('form').send({ email, password }).expect(302);
    return a;
  };
  const post = async (a: Agent, url: string, data: Record<string, unknown> = {}) => {
    const res = await a.post(url).send(data);
    bodies.push(res.text);
    return res;
  };

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp({ env: { ...fake.appEnv(), LOGIN_MAX_PER_IP: '200' } });
    await t.get(UsersService).create({ ...staffUser, role: 'staff', name: 'Sam Staff' });
    admin = await login(ADMIN.email, ADMIN.password);
    staff = await login(staffUser.email, staffUser.password);
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    for (const body of bodies) {
      expect(body).not.toContain(OPENAI_KEY);
      expect(body).not.toContain(REPLACED_KEY);
    }
    await t?.close();
    await fake.close();
  });

  describe('GPT keys', () => {
    it('an admin deletes a key after typing DELETE; it gets 401 at once', async () => {
      const { key, plaintext } = await createGptKey(t, { name: 'To delete' });
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);
      const url = `/admin/api/resources/gpt-keys/records/${key.id}/removeKey`;

      const unconfirmed = await post(admin, url, { confirm: 'yes' });
      expect(unconfirmed.body.notice).toMatchObject({ type: 'error' });
      expect(unconfirmed.body.notice.message).toMatch(/Type DELETE/);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(200);

      const refused = await post(staff, url, { confirm: 'DELETE' });
      expect(refused.body.notice).toEqual({ message: 'forbiddenError', type: 'error' });

      const deleted = await post(admin, url, { confirm: 'DELETE' });
      expect(deleted.body.notice).toMatchObject({ type: 'success' });
      expect(deleted.body.redirectUrl).toMatch(/\/resources\/gpt-keys\/actions\/list$/);
      await t.http().get('/api/gpt/me').set(bearer(plaintext)).expect(401);
      const [{ n }] = await query<{ n: string }>(
        t,
        'SELECT count(*) AS n FROM gpt_api_keys WHERE id = $1',
        [key.id],
      );
      expect(Number(n)).toBe(0);
    });
  });

  describe('provider keys', () => {
    let alice: Awaited<ReturnType<typeof loginAs>>;
    let keyId: string;

    beforeAll(async () => {
      alice = await loginAs(t, 'user');
      const res = await t
        .http()
        .post('/api/llm/keys')
        .set(bearer(alice.token))
        .send({ provider: 'openai', name: 'Alice OpenAI', apiKey: OPENAI_KEY })
        .expect(201);
      keyId = res.body.id;
    });
    const chat = () =>
      t
        .http()
        .post('/api/llm/chat')
        .set(bearer(alice.token))
        .send({ provider: 'openai', keyId, message: 'hi' });

    it('an admin edits name, budget, default and active; the secret is only replaced, never shown', async () => {
      const url = `/admin/api/resources/llm-keys/records/${keyId}/editKey`;
      const bad = await post(admin, url, { name: 'x', monthlyBudgetUsd: '-3', isActive: 'true' });
      expect(bad.body.notice).toMatchObject({ type: 'error' });
      expect(bad.body.notice.message).toMatch(/monthlyBudgetUsd/);

      const res = await post(admin, url, {
        name: 'Alice OpenAI (capped)',
        monthlyBudgetUsd: '12.5',
        isActive: 'true',
        isDefault: 'true',
        apiKey: REPLACED_KEY,
      });
      expect(res.body.notice).toMatchObject({ type: 'success' });
      expect(res.body.record.params).toMatchObject({
        name: 'Alice OpenAI (capped)',
        monthlyBudgetMicroUsd: 12_500_000,
        isDefault: true,
      });
      expect(res.body.record.params.encryptedKey).toBeUndefined();
      expect((await chat()).status).toBe(200);
      expect(fake.calls[0].credential).toBe(`Bearer ${REPLACED_KEY}`);

      // Staff may not edit keys.
      const refused = await post(staff, url, { name: 'sneaky', isActive: 'true' });
      expect(refused.body.notice).toEqual({ message: 'forbiddenError', type: 'error' });
    });

    it('an empty budget removes it; an empty key field keeps the stored secret', async () => {
      const res = await post(admin, `/admin/api/resources/llm-keys/records/${keyId}/editKey`, {
        name: 'Alice OpenAI',
        monthlyBudgetUsd: '',
        isActive: 'true',
        isDefault: 'true',
        apiKey: '',
      });
      expect(res.body.record.params.monthlyBudgetMicroUsd).toBeNull();
      expect((await chat()).status).toBe(200);
      expect(fake.calls[0].credential).toBe(`Bearer ${REPLACED_KEY}`);
    });

    it('an admin deletes it after typing DELETE: the next call finds no key', async () => {
      const url = `/admin/api/resources/llm-keys/records/${keyId}/removeKey`;
      expect((await post(admin, url, {})).body.notice).toMatchObject({ type: 'error' });
      expect((await chat()).status).toBe(200);
      const res = await post(admin, url, { confirm: 'DELETE' });
      expect(res.body.notice).toMatchObject({ type: 'success' });
      const after = await chat();
      expect(after.status).toBe(404);
      expect(fake.calls).toHaveLength(1);
    });
  });

  describe('feedback', () => {
    const submit = (body: object) => t.http().post('/api/feedback').send(body).expect(201);

    it('lists bug reports first and lets staff triage them new → triaged → done', async () => {
      const comment = await submit({ type: 'comment', message: 'Très bon outil' });
      const bug = await submit({ type: 'bug', message: 'Le bouton Envoyer ne répond pas' });
      const list = await staff.get('/admin/api/resources/feedback/actions/list').expect(200);
      const ids = (list.body.records as { id: string; params: { type: string } }[]).map(
        (r) => r.id,
      );
      expect(ids.indexOf(bug.body.id)).toBeLessThan(ids.indexOf(comment.body.id));

      const triaged = await post(
        staff,
        `/admin/api/resources/feedback/records/${bug.body.id}/triage`,
      );
      expect(triaged.body.record.params.status).toBe('triaged');
      const done = await post(
        staff,
        `/admin/api/resources/feedback/records/${bug.body.id}/markDone`,
      );
      expect(done.body.record.params.status).toBe('done');
      const staffToken = await t.http().post('/api/auth/login').send(staffUser).expect(200);
      const api = await t
        .http()
        .get(`/api/admin/feedback/${bug.body.id}`)
        .set(bearer(staffToken.body.token))
        .expect(200);
      expect(api.body.status).toBe('done');

      const filtered = await staff
        .get('/admin/api/resources/feedback/actions/list?filters.status=new&filters.type=comment')
        .expect(200);
      expect(filtered.body.records.map((r: { id: string }) => r.id)).toContain(comment.body.id);
      expect(filtered.body.records.map((r: { id: string }) => r.id)).not.toContain(bug.body.id);
    });
  });
});
