'use strict';
// Builds (if needed), starts and stops the real server, and runs the CLI against it.
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const entries = (dir) => ({
  main: path.join(dir, 'dist', 'src', 'main.js'),
  cli: path.join(dir, 'dist', 'src', 'cli', 'main.js'),
});
const { main: MAIN, cli: CLI } = entries(ROOT);
const OUTPUT_KEPT = 64 * 1024;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function ensureBuilt({ force, log }) {
  if (force || !existsSync(MAIN) || !existsSync(CLI)) {
    log('Building Passerelle (npx nest build)...');
    const build = spawnSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`nest build failed (exit ${build.status})`);
    return;
  }
  const built = statSync(MAIN).mtimeMs;
  const newer = newestMtime(path.join(ROOT, 'src'));
  if (newer > built) {
    log(
      'warning: src/ changed after the last build; measuring dist/ as built (BENCH_BUILD=1 rebuilds)',
    );
  }
}

/**
 * Copies dist/ into a run directory under node_modules/.cache (packages still resolve from the
 * project's node_modules), so a rebuild during the run cannot pull the code from under the
 * server or the CLI. The run directory is also the processes' working directory: no .env there.
 */
function snapshotBuild() {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'passerelle-bench');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'run-'));
  cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  const build = { dir, ...entries(dir) };
  if (!existsSync(build.main) || !existsSync(build.cli)) {
    throw new Error('dist/ changed while being copied (a build running?): retry');
  }
  return build;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
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

/**
 * The environment of a production-like instance on `databaseUrl`. REDIS_URL is set to '' when
 * not wanted: the app counts '' as unset, and it stops a .env file from supplying one.
 */
function serverEnv({ databaseUrl, port, redisUrl }) {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ENCRYPTION_KEY: randomBytes(36).toString('base64url'), // 48 characters
    ADMIN_COOKIE_SECRET: randomBytes(36).toString('base64url'),
    ADMIN_EMAIL: 'bench-admin@example.com',
    ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    REDIS_URL: redisUrl ?? '',
  };
}

/** Keeps the last OUTPUT_KEPT characters a child printed, to show when something fails. */
function captureOutput(child) {
  let text = '';
  const keep = (chunk) => {
    text = (text + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return () => text;
}

/**
 * The node flags of the production command (package.json `start`, which the Dockerfile and the
 * Kubernetes manifests repeat): the bench measures the server as it is run.
 */
function productionNodeFlags() {
  const argv = require(path.join(ROOT, 'package.json')).scripts.start.split(/\s+/);
  return argv.slice(1, argv.indexOf('dist/src/main.js'));
}

/** The server's command line as the reports show it, e.g. `node --single-threaded-gc dist/src/main.js`. */
function serverCommand(nodeArgs = []) {
  return ['node', ...productionNodeFlags(), ...nodeArgs, 'dist/src/main.js'].join(' ');
}

/**
 * Starts `node <production flags> dist/src/main.js` (of a snapshot) and resolves once
 * GET /health/ready answers 200.
 */
async function startServer({ build, env, nodeArgs = [], readyTimeoutMs = 60_000 }) {
  const child = spawn(process.execPath, [...productionNodeFlags(), ...nodeArgs, build.main], {
    cwd: build.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  let exit = null;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve((exit = { code, signal }))),
  );
  // If the bench itself dies abruptly, do not leave the server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const baseUrl = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exit) {
      process.removeListener('exit', killOnExit);
      throw new Error(`server exited during start (${describeExit(exit)}):\n${output()}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${readyTimeoutMs} ms:\n${output()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }

  return {
    baseUrl,
    pid: child.pid,
    output,
    /** SIGTERM (graceful: drains requests, flushes usage counts), SIGKILL after `graceMs`. */
    async stop(graceMs = 20_000) {
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

const describeExit = ({ code, signal }) => (signal ? `signal ${signal}` : `exit code ${code}`);

/** Runs a CLI command (`node dist/src/cli/main.js …`) and returns its standard output. */
function runCli(args, { build, env, timeoutMs = 60_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [build.cli, ...args], {
      cwd: build.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `CLI ${args[0]} failed (${describeExit({ code, signal })}): ${stderr || stdout}`,
          ),
        );
    });
  });
}

module.exports = {
  productionNodeFlags,
  serverCommand,
  ensureBuilt,
  snapshotBuild,
  freePort,
  serverEnv,
  startServer,
  runCli,
};
