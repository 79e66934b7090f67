#!/usr/bin/env node
// `npm run bench:startup`: start-up time to ready and idle memory of the server with the
// AdminJS back-office, on a throwaway PostgreSQL database. Needs `npm run build` first.
//   DATABASE_URL  server to create the throwaway database on (default postgres://postgres@127.0.0.1:5432/postgres)
//   RUNS          start-ups to time (default 3; the first also bundles components and migrates)
'use strict';
const { machine, writeResults } = require('../bench/lib/report');
const { productionNodeFlags, serverCommand } = require('../bench/lib/server');
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');

const ROOT = join(__dirname, '..');
const ENTRY = join(ROOT, 'dist', 'src', 'main.js');
const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const RUNS = Number(process.env.RUNS || 3);
const GOAL_MS = 2000;

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function status(url) {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res;
  } catch {
    return null;
  }
}

const rssMb = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line.replace(/\D+/g, '')) / 1024);
};

async function startOnce(env) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...productionNodeFlags(), ENTRY], {
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let readyMs = null;
  while (readyMs === null) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${stderr}`);
    const res = await status(`${base}/health/ready`);
    if (res && res.status === 200) readyMs = Number(process.hrtime.bigint() - started) / 1e6;
    else await sleep(20);
    if (Number(process.hrtime.bigint() - started) / 1e6 > 60_000)
      throw new Error('not ready in 60 s');
  }
  // The back-office is served from the first request on: its page and its own bundle.
  const login = await status(`${base}/admin/login`);
  const bundle = await status(`${base}/admin/frontend/assets/components.bundle.js`);
  // API requests outside /admin never get a back-office session.
  const api = await fetch(`${base}/health/live`);
  const apiCookie = api.headers.get('set-cookie');
  await sleep(3000);
  const idleRss = rssMb(child.pid);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return {
    readyMs: Math.round(readyMs),
    idleRssMb: idleRss,
    adminLogin: login && login.status,
    componentsBundle: bundle && bundle.status,
    apiSetsCookie: Boolean(apiCookie),
  };
}

async function main() {
  if (!existsSync(ENTRY)) {
    console.error('dist/src/main.js is missing: run `npm run build` first');
    return 1;
  }
  const name = `passerelle_bench_${process.pid}`;
  const admin = new Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-startup-'));
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ENCRYPTION_KEY: 'bench-encryption-key-0123456789abcdef0123456789',
    ADMIN_COOKIE_SECRET: 'bench-admin-cookie-secret-0123456789abcdef',
    ADMIN_EMAIL: 'bench-admin@passerelle.local',
    ADMIN_PASSWORD: 'bench-admin-password',
  };
  const results = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const r = await startOnce(env);
      results.push(r);
      console.log(
        `run ${i + 1}${i === 0 ? ' (fresh database, bundles components)' : ''}: ready in ${r.readyMs} ms, ` +
          `idle RSS ${r.idleRssMb} MB, /admin/login ${r.adminLogin}, components.bundle.js ${r.componentsBundle}, ` +
          `API response sets a cookie: ${r.apiSetsCookie}`,
      );
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const warm = results.slice(1).map((r) => r.readyMs);
  const best = Math.min(...(warm.length ? warm : [results[0].readyMs]));
  const ok =
    best <= GOAL_MS &&
    results.every((r) => r.adminLogin === 200 && r.componentsBundle === 200 && !r.apiSetsCookie);
  console.log(
    `start-up to ready (restart, bundle cached): best ${best} ms, goal ≤ ${GOAL_MS} ms: ${ok ? 'met' : 'NOT met'}`,
  );
  const m = machine();
  const rows = results.map(
    (r, i) =>
      `| ${i + 1}${i === 0 ? ' (fresh database, bundles components)' : ''} | ${r.readyMs} | ${r.idleRssMb} | ${r.adminLogin} | ${r.componentsBundle} | ${r.apiSetsCookie ? 'yes' : 'no'} |`,
  );
  const section = [
    '## Start-up with the back-office',
    '',
    `Goal: the server (\`${serverCommand()}\`, NODE_ENV=production, with the AdminJS back-office) ` +
      `answers \`/health/ready\` ≤ ${GOAL_MS} ms after it is started, on PostgreSQL; idle RSS reported; ` +
      `API responses outside /admin carry no session cookie.`,
    '',
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${m.cores} CPUs (${m.cpuModel}), Node ${m.node}, ` +
      `a throwaway PostgreSQL database.`,
    '',
    '| run | ready ms | idle RSS MB | /admin/login | components.bundle.js | API sets a cookie |',
    '|---|--:|--:|--:|--:|---|',
    ...rows,
    '',
    `- **Best restart (bundle cached): ${best} ms** (goal ≤ ${GOAL_MS}: **${ok ? 'PASS' : 'FAIL'}**).`,
    '',
    `Reproduce: \`npm run bench:startup\``,
  ].join('\n');
  writeResults([{ id: 'startup' }], new Map([['startup', section]]));
  console.log('written to bench/RESULTS.md');
  return ok ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
