import {
  ADMIN,
  bearer,
  createGptKey,
  loginAs,
  query,
  startTestApp,
  TestApp,
} from './support/test-app';

describe('Staff users and login', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_MAX_PER_EMAIL: '4', LOGIN_MAX_PER_IP: '40' } });
  });
  afterAll(() => t?.close());

  it('creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD, password stored as scrypt', async () => {
    const [row] = await query<{ role: string; password_hash: string }>(
      t,
      `SELECT role, password_hash FROM users WHERE email = $1`,
      [ADMIN.email],
    );
    expect(row.role).toBe('admin');
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(ADMIN.password);
  });

  it('logs in (email case-insensitive), returns an opaque token stored only hashed, and /me', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN.email.toUpperCase(), password: ADMIN.password })
      .expect(200);
    expect(res.body.token).toMatch(/^pas_[A-Za-z0-9]{48}$/);
    expect(res.body.user).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);
    const stored = await query(t, `SELECT * FROM user_sessions`);
    expect(JSON.stringify(stored)).not.toContain(res.body.token);

    const me = await t.http().get('/api/auth/me').set(bearer(res.body.token)).expect(200);
    expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin' });
  });

  it('refuses a wrong password and an unknown email with the same 401', async () => {
    const wrong = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN.email, password: 'nope-nope-nope' })
      .expect(401);
    const unknown = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'ghost@test.passerelle', password: 'nope-nope-nope' })
      .expect(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('logout ends the session at once', async () => {
    const { token } = await loginAs(t, 'staff');
    await t.http().get('/api/auth/me').set(bearer(token)).expect(200);
    await t.http().post('/api/auth/logout').set(bearer(token)).expect(204);
    const res = await t.http().get('/api/auth/me').set(bearer(token)).expect(401);
    expect(res.body.code).toBe('SESSION_INVALID');
  });

  it('a deactivated user can neither log in nor keep using a session', async () => {
    const { token, email, password } = await loginAs(t, 'staff');
    await query(t, `UPDATE users SET is_active = false WHERE email = $1`, [email]);
    await t.http().get('/api/auth/me').set(bearer(token)).expect(401);
    await t.http().post('/api/auth/login').send({ email, password }).expect(401);
  });

  it('an expired session is refused', async () => {
    const { token, user } = await loginAs(t, 'user');
    await query(
      t,
      `UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [user.id],
    );
    await t.http().get('/api/auth/me').set(bearer(token)).expect(401);
  });

  describe('roles: deny by default, admin-only routes', () => {
    it('anonymous → 401 with WWW-Authenticate', async () => {
      const res = await t.http().get('/api/admin/gpt-keys').expect(401);
      expect(res.body.code).toBe('AUTH_REQUIRED');
      expect(res.headers['www-authenticate']).toContain('Bearer');
    });

    it.each(['staff', 'user'] as const)('%s → 403 on an admin-only route', async (role) => {
      const { token } = await loginAs(t, role);
      const res = await t.http().get('/api/admin/gpt-keys').set(bearer(token)).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      await t.http().post('/api/admin/gpt-keys').set(bearer(token)).send({ name: 'x' }).expect(403);
    });

    it('admin → 200', async () => {
      const { token } = await loginAs(t, 'admin');
      await t.http().get('/api/admin/gpt-keys').set(bearer(token)).expect(200);
    });

    it('a GPT key cannot reach user routes', async () => {
      const { plaintext } = await createGptKey(t);
      const res = await t.http().get('/api/admin/gpt-keys').set(bearer(plaintext)).expect(401);
      expect(res.body.code).toBe('SESSION_INVALID');
    });
  });

  describe('login rate limits', () => {
    it('per email: the 5th attempt in the window is 429 with Retry-After, even with the right password', async () => {
      const { email, password } = await loginAs(t, 'staff'); // 1 attempt
      for (let i = 0; i < 3; i++) {
        await t
          .http()
          .post('/api/auth/login')
          .send({ email, password: 'wrong-password' })
          .expect(401);
      }
      const res = await t.http().post('/api/auth/login').send({ email, password }).expect(429);
      expect(res.body.code).toBe('RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Another account from the same client is not blocked by that email's limit.
      await loginAs(t, 'staff');
    });

    it('per IP: attempts across many emails hit the IP limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 45 && !statuses.includes(429); i++) {
        const res = await t
          .http()
          .post('/api/auth/login')
          .send({ email: `spray${i}@test.passerelle`, password: 'x-password' });
        statuses.push(res.status);
      }
      // 40 per IP per window, counting the suite's earlier logins from the same client.
      expect(statuses.slice(-1)[0]).toBe(429);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
      expect(statuses.length).toBeLessThanOrEqual(40);
    });
  });
});

describe('First boot without ADMIN_PASSWORD', () => {
  it('generates an admin password, prints it once, and it works', async () => {
    const writes: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        writes.push(String(chunk));
        return true;
      });
    let t: TestApp | undefined;
    try {
      t = await startTestApp({
        env: { ADMIN_EMAIL: 'boss@test.passerelle', ADMIN_PASSWORD: undefined },
      });
    } finally {
      spy.mockRestore();
    }
    try {
      const printed = writes.join('');
      const password = /Password \(shown once, save it now\): (\S+)/.exec(printed)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
      await t
        .http()
        .post('/api/auth/login')
        .send({ email: 'boss@test.passerelle', password })
        .expect(200);
      expect(printed.match(/shown once/g)).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
