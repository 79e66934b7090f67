import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { PasserelleExpressAdapter } from '../../src/common/http/express-adapter';
import { configureApp } from '../../src/configure-app';
import { validateInput } from '../../src/common/http/validate-input';
import { CreateGptKeyDto } from '../../src/gpt-keys/dto/gpt-key.dto';
import { GptKeysService } from '../../src/gpt-keys/gpt-keys.service';
import type { UserRole } from '../../src/common/auth/roles';
import { UsersService } from '../../src/users/users.service';
import { APP_VARS } from './paths';
import { createTestDatabase, TestDatabase } from './test-database';

export const TEST_ENCRYPTION_KEY = 'test-encryption-key-0123456789abcdef0123456789';
export const ADMIN = { email: 'admin@test.passerelle', password: 'admin-password-123' };

/** Variables every test app gets; a suite adds or overrides its own. */
const BASE_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  GPT_USAGE_FLUSH_MS: '200',
  // The back-office components bundle is only needed by the browser suite, which turns it on.
  ADMIN_JS_SKIP_BUNDLE: 'true',
};

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  /** The env the app was built with (database included): reuse it for the CLI. */
  env: Record<string, string>;
  /** Base URL when started with `listen: true`. */
  url: string;
  http(): ReturnType<typeof request>;
  get<T>(type: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /** Listen on a real port (needed for concurrency tests); supertest otherwise. */
  listen?: boolean;
  /** Reuse another app's database (a second instance); it is not dropped on close. */
  db?: TestDatabase;
  /** Listen on this port (with `listen`), e.g. one APP_URL names. */
  port?: number;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const env: Record<string, string> = { ...BASE_ENV, ...db.env };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  applyEnv(env);

  let app: NestExpressApplication | undefined;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>(new PasserelleExpressAdapter(), {
      bodyParser: false,
    });
    configureApp(app);
    if (options.listen) await app.listen(options.port ?? 0, '127.0.0.1');
    else await app.init();
  } catch (err) {
    await app?.close().catch(() => undefined);
    if (!options.db) await db.drop();
    throw err;
  }
  const started = app;
  const port = options.listen ? (started.getHttpServer().address() as AddressInfo).port : 0;
  return {
    app: started,
    db,
    env,
    url: `http://127.0.0.1:${port}`,
    http: () => request(started.getHttpServer()),
    get: (type) => started.get(type),
    close: async () => {
      // The suite is over: connections it left open go now (an idle keep-alive one would
      // otherwise hold server.close() for HTTP_KEEP_ALIVE_TIMEOUT_MS, a socket that never sent
      // a request for the headers timeout). The real server drains on SIGTERM instead.
      (started.getHttpServer() as Server).closeAllConnections();
      await started.close();
      if (!options.db) await db.drop();
    },
  };
}

function applyEnv(env: Record<string, string>) {
  for (const name of [...APP_VARS, ...Object.keys(BASE_ENV)]) delete process.env[name];
  Object.assign(process.env, env);
}

/** A user of that role and a session token for it. */
/** One signed-in person per role given, in order (e.g. two users and an admin). */
export async function loginAll(t: TestApp, roles: UserRole[]) {
  const people: Awaited<ReturnType<typeof loginAs>>[] = [];
  for (const role of roles) people.push(await loginAs(t, role));
  return people;
}

export async function loginAs(
  t: TestApp,
  role: UserRole,
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@test.passerelle`,
) {
  const password = `${role}-password-123456`;
  if (!(role === 'admin' && email === ADMIN.email)) {
    await t.get(UsersService).create({ email, role, password, name: `Test ${role}` });
  }
  const res = await t
    .http()
    .post('/api/auth/login')
    .send({ email, password: email === ADMIN.email ? ADMIN.password : password })
    .expect(200);
  return {
    token: res.body.token as string,
    email,
    password,
    user: res.body.user as { id: string },
  };
}

export async function createGptKey(
  t: TestApp,
  input: Partial<Parameters<GptKeysService['create']>[0]> = {},
) {
  // The same contract as the API and the CLI: the service takes validated input only.
  const dto = await validateInput(CreateGptKeyDto, { name: 'Test GPT', ...input });
  return t.get(GptKeysService).create(dto);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The key with its last character changed (always a different one): a typo the checksum catches. */
export const mistype = (key: string) => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

export async function query<T = Record<string, unknown>>(
  t: TestApp,
  sql: string,
  params: unknown[] = [],
) {
  return t.get(DataSource).query<T[]>(sql, params);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
