'use strict';
// The throwaway database and the PostgreSQL statistics used to count what the server writes.
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(url) {
  const client = new Client({ connectionString: url, application_name: 'passerelle-bench' });
  await client.connect();
  return client;
}

function urlWithDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates passerelle_bench_<random> on the server of `admin`; `drop()` removes it. */
async function createDatabase(admin, serverUrl) {
  const name = `passerelle_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: urlWithDatabase(serverUrl, name),
    // FORCE ends sessions a killed server may have left behind (PostgreSQL 13+).
    drop: () => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** A client on the bench database that counts its own statements (they show in xact_commit). */
async function connectCounting(url) {
  const client = await connect(url);
  let statements = 0;
  return {
    query(text, params) {
      statements += 1;
      return client.query(text, params);
    },
    get statements() {
      return statements;
    },
    end: () => client.end(),
  };
}

/**
 * Database-wide counters of `dbName`, read from another database so reading them adds nothing.
 * Each query is its own transaction, so with stats_fetch_consistency = cache (the default) it
 * sees a fresh snapshot.
 */
async function databaseActivity(admin, dbName) {
  const { rows } = await admin.query(
    `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted
       FROM pg_stat_database WHERE datname = $1`,
    [dbName],
  );
  if (rows.length === 0) throw new Error(`no pg_stat_database row for ${dbName}`);
  const r = rows[0];
  const n = (v) => Number(v);
  return {
    commits: n(r.xact_commit),
    rollbacks: n(r.xact_rollback),
    inserted: n(r.tup_inserted),
    updated: n(r.tup_updated),
    deleted: n(r.tup_deleted),
    get writes() {
      return this.inserted + this.updated + this.deleted;
    },
  };
}

/**
 * PostgreSQL 15 backends publish their counters at most once a second, when idle (up to 60 s
 * under lock contention). Waits until the counters stop moving for `quietMs`.
 */
async function settledActivity(admin, dbName, { quietMs = 1500, timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = await databaseActivity(admin, dbName);
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const now = await databaseActivity(admin, dbName);
    if (sameActivity(now, last)) {
      if (Date.now() - since >= quietMs) return now;
    } else {
      last = now;
      since = Date.now();
    }
  }
  throw new Error(`pg_stat_database for ${dbName} kept changing for ${timeoutMs} ms`);
}

/**
 * PostgreSQL 15 publishes a backend's counters at most once a second while it works, and those
 * left pending when it goes idle only PGSTAT_IDLE_INTERVAL (10 s) later: waits until nothing
 * moved for longer than that, so every earlier write is counted before a window starts.
 */
const publishedActivity = (admin, dbName) =>
  settledActivity(admin, dbName, { quietMs: 11_000, timeoutMs: 90_000 });

const sameActivity = (a, b) =>
  a.commits === b.commits && a.rollbacks === b.rollbacks && a.writes === b.writes;

/** Row writes per user table (n_tup_ins + n_tup_upd + n_tup_del), read on the bench database. */
async function tableWrites(db) {
  const { rows } = await db.query(
    `SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables ORDER BY relname`,
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.relname,
      { inserted: Number(r.n_tup_ins), updated: Number(r.n_tup_upd), deleted: Number(r.n_tup_del) },
    ]),
  );
}

/** Per-table change between two `tableWrites` readings, tables without writes left out. */
function tableWritesDelta(before, after) {
  const delta = {};
  for (const [table, a] of Object.entries(after)) {
    const b = before[table] ?? { inserted: 0, updated: 0, deleted: 0 };
    const d = {
      inserted: a.inserted - b.inserted,
      updated: a.updated - b.updated,
      deleted: a.deleted - b.deleted,
    };
    if (d.inserted || d.updated || d.deleted) delta[table] = d;
  }
  return delta;
}

async function serverVersion(admin) {
  const { rows } = await admin.query('SHOW server_version');
  return rows[0].server_version;
}

module.exports = {
  connect,
  connectCounting,
  createDatabase,
  databaseActivity,
  settledActivity,
  publishedActivity,
  tableWrites,
  tableWritesDelta,
  serverVersion,
  sleep,
};
