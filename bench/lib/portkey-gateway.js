'use strict';
// Portkey's open-source AI gateway (npm `@portkey-ai/gateway`, MIT), the reference Node LLM
// gateway of bench/scenarios/llm-gateway.js: installed on demand into a cache folder (never a
// dependency of the app, never global) and started as its own process on a free loopback port.
//
// - Install: `npm install --no-save --ignore-scripts --prefix node_modules/.cache/passerelle-bench/portkey-<version>`
//   with the versions below, reused when present. Its install script (patch-package) only
//   concerns Portkey's own repository. @hono/node-server is pinned to 1.14.1: from 1.14.2 on, its
//   lightweight Response keeps an upstream fetch response's headers, which are immutable, and
//   Portkey's streamed answers fail with `TypeError: immutable` (HTTP 500, Portkey-AI/gateway
//   issue #1389, open). @hono/node-ws 1.2.0 is the last whose peer range allows that version.
// - Start: `node build/start-server.js --port=<port> --headless` (the package's `bin`;
//   `--headless` drops the log UI), NODE_ENV=production, a minimal environment (no HTTP_PROXY
//   and such), TRUSTED_CUSTOM_HOSTS=127.0.0.1 (the only upstream it may call) and
//   bench/lib/listen-loopback.js preloaded, as it would otherwise listen on every interface.
//   It logs no line per request (its request log only feeds the UI's log stream).
// - A request names the provider and its URL in headers: `x-portkey-provider: openai`,
//   `x-portkey-custom-host: http://127.0.0.1:<port>/v1`, the provider key as
//   `Authorization: Bearer …` (see portkeyHeaders).
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, renameSync, rmSync } = require('node:fs');
const path = require('node:path');
const { freePort } = require('./server');

const ROOT = path.join(__dirname, '..', '..');
const PORTKEY_VERSION = '1.15.2';
/** Exact versions installed next to it (see above). */
const PINNED = { '@hono/node-server': '1.14.1', '@hono/node-ws': '1.2.0' };
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'passerelle-bench');
const PACKAGE = path.join('node_modules', '@portkey-ai', 'gateway');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function installedVersion(dir, name) {
  try {
    const file = path.join(dir, 'node_modules', ...name.split('/'), 'package.json');
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    return null;
  }
}

/** The versions a folder holds match the pins: the folder can be reused. */
function complete(dir) {
  const wanted = { '@portkey-ai/gateway': PORTKEY_VERSION, ...PINNED };
  return Object.entries(wanted).every(([name, v]) => installedVersion(dir, name) === v);
}

/**
 * Installs Portkey into its cache folder unless it is there; resolves { dir, entry, version,
 * pinned }. A fresh install goes to a temporary folder renamed once complete, so an
 * interrupted one is never reused.
 */
function ensurePortkey({ log }) {
  const dir = path.join(CACHE, `portkey-${PORTKEY_VERSION}`);
  if (!complete(dir)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    const specs = [
      `@portkey-ai/gateway@${PORTKEY_VERSION}`,
      ...Object.entries(PINNED).map(([n, v]) => `${n}@${v}`),
    ];
    log(`Installing ${specs.join(' ')} into ${path.relative(ROOT, dir)} (once)`);
    const npm = spawnSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--prefix',
        tmp,
        ...specs,
      ],
      { cwd: tmp, encoding: 'utf8', timeout: 300_000 },
    );
    if (npm.status !== 0 || !complete(tmp)) {
      rmSync(tmp, { recursive: true, force: true });
      const why = npm.error?.message ?? `exit ${npm.status}`;
      throw new Error(`npm install of Portkey failed (${why}):\n${npm.stderr || npm.stdout}`);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  const entry = path.join(dir, PACKAGE, 'build', 'start-server.js');
  if (!existsSync(entry)) throw new Error(`Portkey's server entry is missing: ${entry}`);
  return { dir, entry, version: installedVersion(dir, '@portkey-ai/gateway'), pinned: PINNED };
}

/** The headers that make Portkey pass a chat completion through to `providerV1Url`. */
function portkeyHeaders(providerV1Url, apiKey) {
  return {
    'content-type': 'application/json',
    authorization: `Bearer ${apiKey}`,
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': providerV1Url,
  };
}

/**
 * Starts the installed gateway; resolves { baseUrl, pid, command, output(), stop() } once
 * `GET /` answers "AI Gateway says hey!".
 */
async function startPortkey(install, { readyTimeoutMs = 30_000 } = {}) {
  const port = await freePort();
  const preload = path.join(__dirname, 'listen-loopback.js');
  const args = ['--require', preload, install.entry, `--port=${port}`, '--headless'];
  const child = spawn(process.execPath, args, {
    cwd: install.dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      TRUSTED_CUSTOM_HOSTS: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (c) => (output = (output + c).slice(-16_384));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exit = null;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve((exit = { code, signal }))),
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exit) {
      process.removeListener('exit', killOnExit);
      throw new Error(`Portkey exited during start (${JSON.stringify(exit)}):\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      process.removeListener('exit', killOnExit);
      throw new Error(`Portkey not ready after ${readyTimeoutMs} ms:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(2_000) });
      const text = await res.text();
      if (res.status === 200 && text.includes('AI Gateway')) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return {
    baseUrl,
    pid: child.pid,
    command: `node build/start-server.js --port=${port} --headless`,
    /** What it printed (its start banner, and any error it logged). */
    output: () => output,
    async stop(graceMs = 10_000) {
      if (!exit) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      return exit;
    },
  };
}

module.exports = { PORTKEY_VERSION, ensurePortkey, portkeyHeaders, startPortkey };
