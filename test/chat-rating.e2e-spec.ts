import { dashboardData } from '../admin/dashboard';
import { DataSource } from 'typeorm';
import { DEFAULT_CHAT_WELCOME } from '../migrations/1764115200000-Chat';
import {
  ChatRatingAndWelcomeLanguages1765238400000,
  DEFAULT_CHAT_WELCOME_EN,
  DEFAULT_CHAT_WELCOME_FR,
} from '../migrations/1765238400000-ChatRatingAndWelcomeLanguages';
import { FALLBACK_NOTICE, HANDOFF_NOTICE, RESOLVED_NOTICE } from '../src/chat/chat-messages';
import { ChatStaffService } from '../src/chat/chat-staff.service';
import { newVisitor, nextIp, sendAs, Visitor } from './support/chat-client';
import { bearer, loginAs, query, startTestApp, TestApp } from './support/test-app';

/** Issue 18's support loop: the page's two languages and the visitor's satisfaction rating. */
describe('Support chat: French/English and satisfaction ratings', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof loginAs>>;
  let staff: Awaited<ReturnType<typeof loginAs>>;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        CHAT_MESSAGE_LIMIT: '10000',
        CHAT_READ_LIMIT: '10000',
        CHAT_CREATE_SESSION_LIMIT: '10000',
      },
    });
    admin = await loginAs(t, 'admin');
    staff = await loginAs(t, 'staff');
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (body: object = {}, acceptLanguage?: string) => {
    const req = t.http().post('/api/chat/create-session').set('X-Forwarded-For', nextIp());
    if (acceptLanguage !== undefined) req.set('Accept-Language', acceptLanguage);
    return req.send(body);
  };
  const welcomeOf = (res: { body: { messages: { content: string }[] } }) =>
    res.body.messages[0].content;
  const patchSettings = (body: object) =>
    t.http().patch('/api/admin/chat/settings').set(bearer(admin.token)).send(body);
  const rate = (v: Visitor, body: unknown, token: string | null = v.token, id = v.id) => {
    const req = t.http().post(`/api/chat/sessions/${id}/rating`).set('X-Forwarded-For', v.ip);
    if (token) req.set('X-Chat-Token', token);
    return req.send(body as object);
  };
  const resolve = (id: string) =>
    t.http().post(`/api/admin/chat/sessions/${id}/resolve`).set(bearer(staff.token)).expect(200);
  const stored = async (id: string) =>
    (
      await query<{ rating: number | null; rating_comment: string | null; rated_at: Date | null }>(
        t,
        `SELECT rating, rating_comment, rated_at FROM chat_sessions WHERE id = $1`,
        [id],
      )
    )[0];

  describe('welcome text by language', () => {
    it('is French by default, English for Accept-Language en, and `lang` wins', async () => {
      const plain = await create().expect(201);
      expect(plain.body.lang).toBe('fr');
      expect(welcomeOf(plain)).toBe(DEFAULT_CHAT_WELCOME_FR);

      const english = await create({}, 'en-GB,en;q=0.9,fr;q=0.5').expect(201);
      expect(english.body.lang).toBe('en');
      expect(welcomeOf(english)).toBe(DEFAULT_CHAT_WELCOME_EN);

      // the first language we speak, by quality
      expect(welcomeOf(await create({}, 'de-DE, en;q=0.5, fr;q=0.4').expect(201))).toBe(
        DEFAULT_CHAT_WELCOME_EN,
      );
      expect(welcomeOf(await create({}, 'de-DE, es').expect(201))).toBe(DEFAULT_CHAT_WELCOME_FR);

      // the page's switch: an explicit `lang` beats the header
      const chosen = await create({ lang: 'fr' }, 'en-US').expect(201);
      expect(chosen.body.lang).toBe('fr');
      expect(welcomeOf(chosen)).toBe(DEFAULT_CHAT_WELCOME_FR);
      expect(welcomeOf(await create({ lang: 'en' }).expect(201))).toBe(DEFAULT_CHAT_WELCOME_EN);

      const refused = await create({ lang: 'de' }).expect(400);
      expect(refused.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(refused.body.details[0].field).toBe('lang');
    });

    it('comes from the settings’ two texts; welcomeMessage stays the French one', async () => {
      try {
        const res = await patchSettings({
          welcomeMessageFr: 'Bienvenue <b>chez nous</b>',
          welcomeMessageEn: 'Welcome aboard',
        }).expect(200);
        expect(res.body).toMatchObject({
          welcomeMessage: 'Bienvenue <b>chez nous</b>',
          welcomeMessageFr: 'Bienvenue <b>chez nous</b>',
          welcomeMessageEn: 'Welcome aboard',
        });
        expect(welcomeOf(await create().expect(201))).toBe('Bienvenue chez nous');
        expect(welcomeOf(await create({}, 'en').expect(201))).toBe('Welcome aboard');

        // the older single field still writes the French text
        const old = await patchSettings({ welcomeMessage: 'Salut' }).expect(200);
        expect(old.body).toMatchObject({
          welcomeMessageFr: 'Salut',
          welcomeMessageEn: 'Welcome aboard',
        });
        expect(welcomeOf(await create().expect(201))).toBe('Salut');

        const both = await patchSettings({ welcomeMessage: 'A', welcomeMessageFr: 'B' }).expect(
          400,
        );
        expect(both.body.details[0].field).toBe('welcomeMessage');
        await patchSettings({ welcomeMessageEn: '' }).expect(400);
      } finally {
        await patchSettings({
          welcomeMessageFr: DEFAULT_CHAT_WELCOME_FR,
          welcomeMessageEn: DEFAULT_CHAT_WELCOME_EN,
        }).expect(200);
      }
    });

    it('has the page translate every server notice (stored in English) for French visitors', async () => {
      const js = await t.http().get('/support/chat/chat.js').expect(200);
      for (const notice of [HANDOFF_NOTICE, FALLBACK_NOTICE, RESOLVED_NOTICE]) {
        expect(js.text).toContain(`'${notice}':`);
      }
    });

    it('serves the page in the visitor’s language: ?lang=, Accept-Language, else French', async () => {
      const fr = await t.http().get('/support/chat').expect(200);
      expect(fr.headers.vary).toMatch(/Accept-Language/i);
      expect(fr.text).toContain('<html lang="fr">');
      expect(fr.text).toContain('Nouvelle conversation');
      expect(fr.text).toMatch(/href="\?lang=en"[^>]*>English</);
      expect(fr.text).not.toContain('{{');

      const en = await t.http().get('/support/chat').set('Accept-Language', 'en-US').expect(200);
      expect(en.text).toContain('<html lang="en">');
      expect(en.text).toContain('New conversation');
      expect(en.text).toMatch(/href="\?lang=fr"[^>]*>Français</);

      const switched = await t
        .http()
        .get('/support/chat?lang=fr')
        .set('Accept-Language', 'en-US')
        .expect(200);
      expect(switched.text).toContain('<html lang="fr">');
      // an unknown choice falls back to the header
      const unknown = await t
        .http()
        .get('/support/chat?lang=xx')
        .set('Accept-Language', 'en')
        .expect(200);
      expect(unknown.text).toContain('<html lang="en">');
    });
  });

  describe('satisfaction rating', () => {
    it('resolve by staff → the visitor rates once → staff and the dashboard see it', async () => {
      const v = await newVisitor(t);
      await sendAs(t, v, 'My quote is missing, can a human help?').expect(200);

      // not resolved yet: refused, nothing stored
      const early = await rate(v, { rating: 5 }).expect(409);
      expect(early.body).toMatchObject({ statusCode: 409, code: 'CHAT_NOT_RESOLVED' });
      expect(early.body.message).toMatch(/resolved/);
      expect(await stored(v.id)).toEqual({ rating: null, rating_comment: null, rated_at: null });

      await resolve(v.id);
      const before = await t
        .http()
        .get('/api/chat/history')
        .query({ sessionId: v.id })
        .set('X-Chat-Token', v.token)
        .set('X-Forwarded-For', v.ip)
        .expect(200);
      expect(before.body).toMatchObject({ status: 'resolved', rating: null });

      const res = await rate(v, {
        rating: 4,
        comment: '  <b>Rapide</b> et clair,\u0007 merci !  ',
      }).expect(201);
      expect(res.body).toEqual({
        sessionId: v.id,
        rating: 4,
        ratingComment: 'Rapide et clair, merci !',
        ratedAt: expect.any(String),
      });

      // a second time: refused, the first one stands
      const twice = await rate(v, { rating: 1, comment: 'changed my mind' }).expect(409);
      expect(twice.body).toMatchObject({ statusCode: 409, code: 'CHAT_ALREADY_RATED' });
      expect(await stored(v.id)).toMatchObject({
        rating: 4,
        rating_comment: 'Rapide et clair, merci !',
      });

      const history = await t
        .http()
        .get('/api/chat/history')
        .query({ sessionId: v.id, after: 99 })
        .set('X-Chat-Token', v.token)
        .set('X-Forwarded-For', v.ip)
        .expect(200);
      expect(history.body.rating).toBe(4);

      const detail = await t
        .http()
        .get(`/api/admin/chat/sessions/${v.id}`)
        .set(bearer(staff.token))
        .expect(200);
      expect(detail.body).toMatchObject({
        rating: 4,
        ratingComment: 'Rapide et clair, merci !',
        ratedAt: res.body.ratedAt,
      });
      const list = await t
        .http()
        .get('/api/admin/chat/sessions')
        .query({ status: 'resolved', limit: 200 })
        .set(bearer(staff.token))
        .expect(200);
      expect(list.body.items.find((s: { id: string }) => s.id === v.id)).toMatchObject({
        rating: 4,
      });

      // a new message reopens it, a second resolve does not allow a second rating
      await sendAs(t, v, 'One more thing').expect(200);
      await resolve(v.id);
      await rate(v, { rating: 2 }).expect(409);
      expect((await stored(v.id)).rating).toBe(4);
    });

    it('refuses out-of-range ratings, long comments, other visitors and no token; stores nothing', async () => {
      const v = await newVisitor(t);
      const other = await newVisitor(t);
      await resolve(v.id);
      for (const body of [
        {},
        { rating: 0 },
        { rating: 6 },
        { rating: 3.5 },
        { rating: '5' },
        { rating: 5, comment: 'x'.repeat(1001) },
        { rating: 5, comment: 42 },
        { rating: 5, extra: true },
      ]) {
        const res = await rate(v, body).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      }
      // someone else's session looks like no session at all
      const theirs = await rate(v, { rating: 5 }, other.token).expect(404);
      expect(theirs.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
      await rate(v, { rating: 5 }, null).expect(401);
      await rate(v, { rating: 5 }, v.token, 'not-a-uuid').expect(404);
      await rate(v, { rating: 5 }, v.token, '00000000-0000-4000-8000-000000000000').expect(404);
      expect(await stored(v.id)).toEqual({ rating: null, rating_comment: null, rated_at: null });

      // a 1,000-character comment is fine; an empty one is no comment
      await rate(v, { rating: 5, comment: 'é'.repeat(1000) }).expect(201);
      const w = await newVisitor(t);
      await resolve(w.id);
      const empty = await rate(w, { rating: 3, comment: '<i></i>  ' }).expect(201);
      expect(empty.body.ratingComment).toBeNull();
    });

    it('lets a logged-in user rate their own session with their login', async () => {
      const user = await loginAs(t, 'user');
      const created = await t
        .http()
        .post('/api/chat/create-session')
        .set(bearer(user.token))
        .send({})
        .expect(201);
      const id = created.body.sessionId as string;
      await resolve(id);
      const stranger = await loginAs(t, 'user');
      await t
        .http()
        .post(`/api/chat/sessions/${id}/rating`)
        .set(bearer(stranger.token))
        .send({ rating: 5 })
        .expect(404);
      await t
        .http()
        .post(`/api/chat/sessions/${id}/rating`)
        .set(bearer(user.token))
        .send({ rating: 5 })
        .expect(201);
    });

    it('averages ratings per ISO week for the dashboard: 8 weeks, with counts', async () => {
      // Ratings of earlier weeks, written as the rating route would have (one week ago, 3 ago).
      await query(
        t,
        `INSERT INTO chat_sessions (visitor_token_hash, status, rating, rated_at, title)
         SELECT md5(random()::text) || md5(random()::text), 'resolved', r, now() - ago, title
           FROM (VALUES (4, interval '0 days', 'w-0'), (2, interval '7 days', 'w-1'), (5, interval '7 days', 'w-1'),
                        (1, interval '21 days', 'w-3'), (5, interval '70 days', 'too old'))
                AS x (r, ago, title)`,
      );
      const [expected] = await query<{ average: number; count: number }>(
        t,
        `SELECT avg(rating)::float AS average, count(*)::int AS count FROM chat_sessions
          WHERE rated_at >= date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      );
      const weeks = await t.get(ChatStaffService).ratingsByWeek();
      expect(weeks).toHaveLength(8);
      expect(weeks.every((w) => /^\d{4}-W\d{2}$/.test(w.week))).toBe(true);
      expect(new Date(`${weeks[0].weekStart}T00:00:00Z`).getUTCDay()).toBe(1); // a Monday
      const thisWeek = weeks[7];
      expect(thisWeek.count).toBe(expected.count);
      expect(thisWeek.average).toBeCloseTo(expected.average, 2);
      expect(weeks[6]).toMatchObject({ average: 3.5, count: 2 });
      expect(weeks[4]).toMatchObject({ average: 1, count: 1 });
      expect(weeks[5]).toMatchObject({ average: null, count: 0 });
      expect(weeks.reduce((n, w) => n + w.count, 0)).toBe(expected.count + 3); // not 70 days ago

      const data = await dashboardData({
        gptKeys: { dailyUsageByKey: async () => [] },
        analyses: {
          perDay: async () => [],
          awaitingReview: async () => ({ count: 0, oldest: null }),
        },
        llmUsage: {
          dailyCostByProvider: async () => [],
          totals: async () => ({ unpricedCalls: 0 }) as never,
        },
        chat: t.get(ChatStaffService),
      });
      expect(data.chatRatings).toEqual(weeks);
    });
  });

  // Last: it takes the migration down and up again (ratings of the tests above are dropped).
  describe('migration 1765238400000', () => {
    it('keeps the existing welcome text; the untouched English default gets a French twin', async () => {
      const migration = new ChatRatingAndWelcomeLanguages1765238400000();
      const runner = t.get(DataSource).createQueryRunner();
      const welcomes = () =>
        query<{ fr: string; en: string }>(
          t,
          `SELECT welcome_message_fr AS fr, welcome_message_en AS en FROM chat_settings`,
        );
      try {
        await migration.down(runner);
        await runner.query(`UPDATE chat_settings SET welcome_message = 'Bonjour, custom'`);
        await migration.up(runner);
        expect(await welcomes()).toEqual([{ fr: 'Bonjour, custom', en: 'Bonjour, custom' }]);

        await migration.down(runner);
        await runner.query(`UPDATE chat_settings SET welcome_message = $1`, [DEFAULT_CHAT_WELCOME]);
        await migration.up(runner);
        expect(await welcomes()).toEqual([
          { fr: DEFAULT_CHAT_WELCOME_FR, en: DEFAULT_CHAT_WELCOME_EN },
        ]);
        expect(DEFAULT_CHAT_WELCOME_EN).toBe(DEFAULT_CHAT_WELCOME);
      } finally {
        await runner.release();
      }
    });
  });
});
