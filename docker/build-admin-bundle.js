#!/usr/bin/env node
// Image build step: writes the AdminJS back-office bundle into ADMIN_JS_TMP_DIR.
//
// The server bundles admin/components before it listens (src/admin-panel/admin-bundle.ts)
// and keeps the result with a hash of the components, the AdminJS version and NODE_ENV:
// a later start with the same three reuses it instead of running rollup again. So the
// image boots the real server once, on a throwaway in-memory database with throwaway
// secrets, waits for /health/live, and stops it. It also proves the production
// dependencies alone can start the app.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const bundleDir = resolve(process.env.ADMIN_JS_TMP_DIR || join(root, 'admin-bundle'));
const port = process.env.BUNDLE_BUILD_PORT || '39123';
const deadline = Date.now() + 300_000;

const child = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: port,
    LOG_LEVEL: 'warn',
    DATA_DIR: join(root, '.bundle-build-data'),
    EMBEDDED_DATABASE_DIR: 'memory://',
    ADMIN_JS_TMP_DIR: bundleDir,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ADMIN_COOKIE_SECRET: randomBytes(32).toString('hex'),
    ADMIN_PASSWORD: randomBytes(16).toString('hex'),
  },
});
let exited = false;
child.once('exit', (code) => {
  exited = true;
  if (!done) fail(`the server exited (${code}) before answering /health/live`);
});
let done = false;

function fail(message) {
  process.stderr.write(`build-admin-bundle: ${message}\n`);
  if (!exited) child.kill('SIGKILL');
  process.exit(1);
}

async function main() {
  for (;;) {
    if (Date.now() > deadline) fail('timed out');
    const live = await fetch(`http://127.0.0.1:${port}/health/live`)
      .then((r) => r.ok)
      .catch(() => false);
    if (live) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  done = true;
  child.kill('SIGTERM');
  await new Promise((r) => (exited ? r() : child.once('exit', r)));
  const bundle = join(bundleDir, 'components.bundle.js');
  if (!existsSync(bundle)) fail(`no bundle at ${bundle}`);
  process.stdout.write(`build-admin-bundle: ${bundle} ready\n`);
}

main().catch((err) => fail(err.message));
