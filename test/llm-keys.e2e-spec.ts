import { LlmKeysService } from '../src/llm-providers/llm-keys.service';
import { SecretBox } from '../src/llm-providers/secret-box';
import { runCli } from './support/spawn';
import {
  bearer,
  loginAll,
  loginAs,
  query,
  startTestApp,
  TEST_ENCRYPTION_KEY,
  TestApp,
} from './support/test-app';

const OPENAI_KEY = 'sk-proj-' + 'A1b2C3d4E5f6G7h8I9j0'.repeat(3);
const ANTHROPIC_KEY = 'sk-ant-api03-' + 'Zz9Yy8Xx7Ww6Vv5Uu4Tt'.repeat(3);
const GROQ_KEY = 'gsk_' + 'Qq1Rr2Ss3Tt4Uu5Vv6Ww7'.repeat(2);
const MISTRAL_KEY = 'Mm1Nn2Oo3Pp4Qq5Rr6Ss7Tt8Uu9Vv0Ww';

describe('LlmProviders: the encrypted provider key vault', () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof loginAs>>;
  let bob: Awaited<ReturnType<typeof loginAs>>;
  let admin: Awaited<ReturnType<typeof loginAs>>;
  const responses: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob, admin] = await loginAll(t, ['user', 'user', 'admin']);
  });
  afterAll(async () => {
    // No response in this suite ever carried a key or its ciphertext.
    const rows = await query<{ encrypted_key: string }>(
      t,
      `SELECT encrypted_key FROM llm_api_keys`,
    );
    for (const body of responses) {
      for (const secret of [
        OPENAI_KEY,
        ANTHROPIC_KEY,
        GROQ_KEY,
        MISTRAL_KEY,
        ...rows.map((r) => r.encrypted_key),
      ]) {
        expect(body).not.toContain(secret);
      }
    }
    await t?.close();
  });

  const call = async (req: ReturnType<ReturnType<TestApp['http']>['get']>) => {
    const res = await req;
    responses.push(res.text);
    return res;
  };
  const create = (token: string, body: object) =>
    call(t.http().post('/api/llm/keys').set(bearer(token)).send(body));

  it('stores a key encrypted (iv:tag:data), shows only a prefix, makes the first one default', async () => {
    const res = await create(alice.token, {
      provider: 'openai',
      name: 'Alice OpenAI',
      apiKey: OPENAI_KEY,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      provider: 'openai',
      name: 'Alice OpenAI',
      keyPrefix: 'sk-proj-A1b2…',
      isDefault: true,
      isActive: true,
    });
    expect(res.body).not.toHaveProperty('encryptedKey');
    const [row] = await query<{ encrypted_key: string }>(
      t,
      `SELECT encrypted_key FROM llm_api_keys WHERE id = $1`,
      [res.body.id],
    );
    expect(row.encrypted_key).toMatch(/^[0-9a-f]{24}:[0-9a-f]{32}:[0-9a-f]+$/);
    expect(row.encrypted_key).not.toContain('A1b2C3');
  });

  it.each([
    ['anthropic', ANTHROPIC_KEY, 'sk-ant-api03-Zz9Y…'],
    ['groq', GROQ_KEY, 'gsk_Qq1R…'],
    ['mistral', MISTRAL_KEY, 'Mm1N…'],
  ])('accepts a plausible %s key', async (provider, apiKey, prefix) => {
    const res = await create(alice.token, { provider, name: `Alice ${provider}`, apiKey });
    expect(res.status).toBe(201);
    expect(res.body.keyPrefix).toBe(prefix);
  });

  it('refuses an unknown provider and a key of the wrong shape, naming the field', async () => {
    const bad = await create(alice.token, { provider: 'cohere', name: 'x', apiKey: OPENAI_KEY });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['provider']);
    const wrong = await create(alice.token, {
      provider: 'anthropic',
      name: 'x',
      apiKey: OPENAI_KEY,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0].field).toBe('apiKey');
    expect(wrong.text).not.toContain(OPENAI_KEY);
  });

  it('a user never sees or changes another user’s key (404); admins see all', async () => {
    const bobKey = await create(bob.token, {
      provider: 'openai',
      name: 'Bob OpenAI',
      apiKey: OPENAI_KEY,
    });
    const id = bobKey.body.id;
    for (const req of [
      t.http().get(`/api/llm/keys/${id}`),
      t.http().patch(`/api/llm/keys/${id}`).send({ name: 'mine now' }),
      t.http().delete(`/api/llm/keys/${id}`),
    ]) {
      const res = await call(req.set(bearer(alice.token)));
      expect(res.status).toBe(404);
    }
    const aliceList = await call(t.http().get('/api/llm/keys').set(bearer(alice.token)));
    expect(aliceList.body.every((k: { userId: string }) => k.userId === alice.user.id)).toBe(true);
    const all = await call(t.http().get('/api/llm/keys').set(bearer(admin.token)));
    expect(all.body.map((k: { id: string }) => k.id)).toContain(id);
    const onlyBob = await call(
      t.http().get('/api/llm/keys').query({ userId: bob.user.id }).set(bearer(admin.token)),
    );
    expect(onlyBob.body.map((k: { id: string }) => k.id)).toEqual([id]);
    await call(t.http().get('/api/llm/keys'));
  });

  it('setting isDefault unsets the previous default of that user and provider', async () => {
    const second = await create(alice.token, {
      provider: 'openai',
      name: 'Alice OpenAI 2',
      apiKey: OPENAI_KEY,
      isDefault: true,
    });
    expect(second.body.isDefault).toBe(true);
    const list = await call(t.http().get('/api/llm/keys').set(bearer(alice.token)));
    const openaiDefaults = list.body.filter(
      (k: { provider: string; isDefault: boolean }) => k.provider === 'openai' && k.isDefault,
    );
    expect(openaiDefaults.map((k: { id: string }) => k.id)).toEqual([second.body.id]);
    // Bob's default is untouched.
    const bobs = await call(t.http().get('/api/llm/keys').set(bearer(bob.token)));
    expect(bobs.body[0].isDefault).toBe(true);
  });

  it('updates name, budget, active flag and replaces the key; deletes', async () => {
    const k = await create(alice.token, {
      provider: 'groq',
      name: 'temp',
      apiKey: GROQ_KEY,
      isDefault: false,
    });
    const res = await call(
      t
        .http()
        .patch(`/api/llm/keys/${k.body.id}`)
        .set(bearer(alice.token))
        .send({
          name: 'renamed',
          monthlyBudgetUsd: 12.5,
          isActive: false,
          apiKey: 'gsk_' + 'N'.repeat(30),
        }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'renamed',
      monthlyBudgetUsd: 12.5,
      isActive: false,
      keyPrefix: 'gsk_NNNN…',
    });
    const del = await call(t.http().delete(`/api/llm/keys/${k.body.id}`).set(bearer(alice.token)));
    expect(del.status).toBe(204);
    const gone = await call(t.http().get(`/api/llm/keys/${k.body.id}`).set(bearer(alice.token)));
    expect(gone.status).toBe(404);
  });

  it('decrypts for a call, and says clearly when a key is unreadable (tampered)', async () => {
    const svc = t.get(LlmKeysService);
    const k = await create(alice.token, {
      provider: 'mistral',
      name: 'to read',
      apiKey: MISTRAL_KEY,
      isDefault: false,
    });
    const user = {
      id: alice.user.id,
      email: alice.email,
      name: 'a',
      role: 'user' as const,
      sessionId: 's',
    };
    const entity = await svc.get(user, k.body.id);
    await expect(svc.reveal(entity)).resolves.toBe(MISTRAL_KEY);
    await query(
      t,
      `UPDATE llm_api_keys SET encrypted_key = regexp_replace(encrypted_key, '.$', CASE WHEN right(encrypted_key, 1) = '0' THEN '1' ELSE '0' END) WHERE id = $1`,
      [k.body.id],
    );
    await expect(svc.reveal(entity)).rejects.toMatchObject({ code: 'LLM_KEY_UNREADABLE' });
    await expect(svc.reveal(entity)).rejects.toThrow(/to read/);
    await call(t.http().delete(`/api/llm/keys/${k.body.id}`).set(bearer(alice.token)));
  });

  it('llm:rotate-encryption-key re-encrypts every key in one go; afterwards all read with the new key', async () => {
    const before = await query<{ id: string; encrypted_key: string }>(
      t,
      `SELECT id, encrypted_key FROM llm_api_keys ORDER BY id`,
    );
    expect(before.length).toBeGreaterThan(3);
    const newKey = 'a-brand-new-master-encryption-key-0123456789';
    // The CLI connects to this test app's database while it runs.
    const run = (env: Record<string, string>) =>
      runCli({ ...t.env, ...env }, ['llm:rotate-encryption-key']);
    const missing = await run({ ENCRYPTION_KEY: newKey });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/OLD_ENCRYPTION_KEY/);

    const wrongOld = await run({
      ENCRYPTION_KEY: newKey,
      OLD_ENCRYPTION_KEY: 'not-the-old-key-but-long-enough-to-pass-1234',
    });
    expect(wrongOld.code).toBe(1);
    expect(wrongOld.stderr).toMatch(/nothing changed/);
    const unchanged = await query<{ id: string; encrypted_key: string }>(
      t,
      `SELECT id, encrypted_key FROM llm_api_keys ORDER BY id`,
    );
    expect(unchanged).toEqual(before);

    const ok = await run({ ENCRYPTION_KEY: newKey, OLD_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain(`Re-encrypted ${before.length} of ${before.length}`);
    const after = await query<{ id: string; encrypted_key: string }>(
      t,
      `SELECT id, encrypted_key FROM llm_api_keys ORDER BY id`,
    );
    expect(after.every((r, i) => r.encrypted_key !== before[i].encrypted_key)).toBe(true);

    // Running it again finds nothing to do.
    const again = await run({ ENCRYPTION_KEY: newKey, OLD_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
    expect(again.stdout).toContain(`${before.length} already used ENCRYPTION_KEY`);

    const box = new SecretBox(newKey);
    for (const r of after) expect(() => box.decrypt(r.encrypted_key)).not.toThrow();
  });
});
