'use strict';
// `npm run bench`, end to end: build if needed, create a throwaway PostgreSQL database, start
// the real server (without Redis, then with it if BENCH_REDIS_URL is set), run the scenarios,
// write bench/RESULTS.md, stop the server and drop the database, also on failure and Ctrl-C.
const { rmSync } = require('node:fs');
const path = require('node:path');
const Redis = require('ioredis');
const { Cleanup } = require('./lib/cleanup');
const { stopActiveRun } = require('./lib/load');
const { readOptions, reproduceCommand } = require('./lib/options');
const pg = require('./lib/postgres');
const { machine, writeResults } = require('./lib/report');
const { createServiceProbe, localRedisPid } = require('./lib/services');
const {
  ensureBuilt,
  freePort,
  runCli,
  serverEnv,
  snapshotBuild,
  startServer,
} = require('./lib/server');
const allScenarios = require('./scenarios');

const log = (line) => process.stdout.write(`${line}\n`);

function pickScenarios(ids) {
  if (ids.length === 0) return allScenarios;
  const unknown = ids.filter((id) => !allScenarios.some((s) => s.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario(s) ${unknown.join(', ')}; known: ${allScenarios.map((s) => s.id).join(', ')}`,
    );
  }
  return allScenarios.filter((s) => ids.includes(s.id));
}

function modes(options) {
  const list = [{ id: 'memory', label: 'in-memory counters (REDIS_URL unset)', redisUrl: null }];
  if (options.redisUrl) {
    const shown = new URL(options.redisUrl);
    if (shown.password) shown.password = '***';
    list.push({ id: 'redis', label: `Redis (REDIS_URL=${shown})`, redisUrl: options.redisUrl });
  }
  return list;
}

async function connectRedis(url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null, // fail, do not reconnect forever
  });
  redis.on('error', () => undefined); // a failed command rejects; that is reported instead
  try {
    await redis.connect();
    const info = await redis.info('server');
    return {
      client: redis,
      version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
      pid: await localRedisPid(redis, url),
    };
  } catch (err) {
    redis.disconnect();
    throw new Error(`Redis at BENCH_REDIS_URL not reachable: ${err.message}`);
  }
}

/** Runs every scenario against one server instance; returns their results by scenario id. */
async function runMode(mode, { scenarios, options, database, admin, build, redis, cleanup }) {
  // PostgreSQL and (in this mode) Redis serve the measured requests: their CPU is not "other".
  const services = createServiceProbe({
    admin,
    dbName: database.name,
    pgUrl: options.pgUrl,
    redisPid: mode.redisUrl ? (redis?.pid ?? null) : null,
  });
  const env = serverEnv({
    databaseUrl: database.url,
    port: await freePort(),
    redisUrl: mode.redisUrl,
  });
  // A scenario may need something running before the server starts (e.g. a loopback LLM
  // provider whose URL goes into the server's environment): its `prepare` does that.
  const prepared = new Map();
  for (const scenario of scenarios.filter((s) => s.prepare)) {
    const p = await scenario.prepare({ options, log, defer: (l, fn) => cleanup.defer(l, fn) });
    Object.assign(env, p.env);
    prepared.set(scenario.id, p);
  }
  log(`Starting the server: ${mode.label}`);
  const server = await startServer({ build, env, nodeArgs: options.serverNodeArgs });
  const stopServer = cleanup.defer('stop the server', () => server.stop());
  const db = await pg.connectCounting(database.url);
  const closeDb = cleanup.defer('close the bench database connection', () => db.end());

  const ctx = {
    mode,
    server,
    options,
    db,
    admin,
    dbName: database.name,
    services,
    log,
    cli: (args) => runCli(args, { build, env }),
    /** Redis keeps a key's hourly counter for an hour: remove it once measured. */
    forgetRateLimit: mode.redisUrl
      ? (keyId) =>
          redis.client
            .del(`rl:gpt-key:${keyId}`)
            .catch((err) => log(`warning: Redis DEL: ${err.message}`))
      : null,
  };
  const results = new Map();
  for (const scenario of scenarios) {
    log(`Scenario ${scenario.id} [${mode.id}]`);
    const result = await scenario.run({ ...ctx, prepared: prepared.get(scenario.id) });
    results.set(scenario.id, result);
    scenario.summary(result).forEach((line) => log(line));
  }

  await closeDb();
  log('Stopping the server (SIGTERM)');
  const exit = await stopServer();
  for (const p of prepared.values()) await p.stop?.();
  if (exit?.code !== 0) {
    log(`warning: the server did not exit cleanly (${JSON.stringify(exit)}):\n${server.output()}`);
  }
  return results;
}

async function main() {
  const cleanup = new Cleanup(log);
  cleanup.handleSignals();
  cleanup.onInterrupt(stopActiveRun);
  try {
    const options = readOptions();
    const scenarios = pickScenarios(options.scenarios);
    ensureBuilt({ force: options.forceBuild, log });
    const build = snapshotBuild();
    cleanup.defer('remove the build snapshot', () =>
      rmSync(build.dir, { recursive: true, force: true }),
    );

    const admin = await pg.connect(options.pgUrl);
    cleanup.defer('close the PostgreSQL admin connection', () => admin.end());
    const pgVersion = await pg.serverVersion(admin);
    const database = await pg.createDatabase(admin, options.pgUrl);
    cleanup.defer(`drop database ${database.name}`, async () => {
      await database.drop();
      log(`Dropped database ${database.name}`);
    });
    log(`Created database ${database.name} (PostgreSQL ${pgVersion})`);

    // Checked before any measurement, so a wrong BENCH_REDIS_URL fails fast.
    const redis = options.redisUrl ? await connectRedis(options.redisUrl) : null;
    if (redis) cleanup.defer('close the Redis connection', () => redis.client.quit());

    const byScenario = new Map(scenarios.map((s) => [s.id, []]));
    for (const mode of modes(options)) {
      const context = { scenarios, options, database, admin, build, redis, cleanup };
      const results = await runMode(mode, context);
      for (const [id, result] of results) byScenario.get(id).push(result);
    }

    const meta = {
      date: new Date().toISOString().replace(/:\d\d\.\d+Z$/, 'Z'),
      machine: machine(),
      pgVersion,
      redisVersion: redis?.version ?? null,
      options,
      command: reproduceCommand(),
      autocannonVersion: require('autocannon/package.json').version,
    };
    const rendered = new Map(scenarios.map((s) => [s.id, s.render(byScenario.get(s.id), meta)]));
    const file = writeResults(allScenarios, rendered);

    log('');
    log(`Summary (written to ${path.relative(process.cwd(), file)}):`);
    let valid = true;
    for (const s of scenarios) {
      for (const result of byScenario.get(s.id)) {
        s.summary(result).forEach((line) => log(`  ${line}`));
        valid &&= s.valid(result);
      }
    }
    if (!valid) log('The measurement had problems (see above): its figures are not valid.');
    return valid ? 0 : 1;
  } catch (err) {
    if (cleanup.interrupted) return 130;
    // Programming errors get their stack; expected ones (unreachable server, bad option) do not.
    const bug = err instanceof TypeError || err instanceof ReferenceError;
    console.error(`bench failed: ${bug ? err.stack : err.message}`);
    return 1;
  } finally {
    await cleanup.runAll();
  }
}

module.exports = { main };
