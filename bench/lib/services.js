'use strict';
// CPU used by the services the server relies on (the PostgreSQL backends of the bench database,
// the Redis server): serving the measured requests is part of the work measured, so it is
// reported on its own and left out of "other processes", which is meant to catch disturbances
// (builds, tests, the host's other tenants).
const { processCpuMs } = require('./load');

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]', '::1'];
const isLoopback = (url) => LOOPBACK.includes(new URL(url).hostname);

/**
 * `redisPid`: the Redis server's pid (INFO server's process_id), or null when there is no Redis
 * or it runs on another machine. PostgreSQL's pids are read from pg_stat_activity, and only when
 * it runs here (another machine's pids are not ours to read).
 */
function createServiceProbe({ admin, dbName, pgUrl, redisPid = null }) {
  const pgLocal = isLoopback(pgUrl);

  /** CPU time (ms) of each backend connected to the bench database, by pid; null if unknown. */
  async function backends() {
    if (!pgLocal) return null;
    const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
      dbName,
    ]);
    const cpu = new Map();
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms === null) return null;
      cpu.set(pid, ms);
    }
    return cpu;
  }

  const snapshot = async () => ({
    pg: await backends(),
    redis: redisPid === null ? null : processCpuMs(redisPid),
  });

  return {
    /**
     * Starts measuring. The function returned resolves to the CPU (ms) used since:
     * { pgMs, redisMs } (null where unknown) and `ms`, their known sum, to take out of "other".
     * A backend opened meanwhile (a pool replacing an idle connection) counts whole; one
     * closed meanwhile is missed.
     */
    async start() {
      const before = await snapshot();
      return async () => {
        const after = await snapshot();
        let pgMs = null;
        if (before.pg && after.pg) {
          pgMs = 0;
          for (const [pid, t1] of after.pg) pgMs += t1 - (before.pg.get(pid) ?? 0);
        }
        const redisMs =
          before.redis === null || after.redis === null ? null : after.redis - before.redis;
        return { pgMs, redisMs, ms: (pgMs ?? 0) + (redisMs ?? 0) };
      };
    },
  };
}

/** The Redis server's pid when it runs on this machine, else null. */
async function localRedisPid(client, url) {
  if (!isLoopback(url)) return null;
  const info = await client.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  return Number.isInteger(pid) && processCpuMs(pid) !== null ? pid : null;
}

module.exports = { createServiceProbe, localRedisPid };
