'use strict';
// Reads a V8 CPU profile (`node --cpu-prof`, e.g. BENCH_SERVER_NODE_ARGS) and splits its
// samples by time window: the bench runs one route at a time, and a profile's timestamps are
// on the monotonic clock of process.hrtime, so the samples taken while a route was under load
// are that route's work (plus what the server does in the background meanwhile: GC, batched
// writes). Self time per function and per package, per call of each route.
//
// CLI: node bench/lib/cpu-profile.js <file.cpuprofile> [top]   (self time over the whole profile)
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** The profile directory in node flags (`--cpu-prof-dir=D` or `--cpu-prof-dir D`), or null. */
function profileDir(nodeArgs = []) {
  if (!nodeArgs.includes('--cpu-prof')) return null;
  for (let i = 0; i < nodeArgs.length; i++) {
    const a = nodeArgs[i];
    if (a.startsWith('--cpu-prof-dir=')) return a.slice('--cpu-prof-dir='.length);
    if (a === '--cpu-prof-dir') return nodeArgs[i + 1] ?? null;
  }
  return null;
}

/** The profile a process wrote on exit: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile. */
function findProfile(dir, pid) {
  if (!dir || !existsSync(dir)) return null;
  const mine = readdirSync(dir).filter(
    (f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid),
  );
  return mine.length ? path.join(dir, mine.sort().pop()) : null;
}

/** A file path, without the bench's build snapshot prefix (node_modules/.cache/passerelle-bench/run-…/). */
const fileOf = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/\/node_modules\/\.cache\/passerelle-bench\/run-[^/]+\//, '/');

/** Where a frame's code lives: an npm package, node's own code, the app, or V8 itself. */
function owner(url) {
  if (!url) return '(V8 / native)';
  if (url.startsWith('node:')) return 'node (core)';
  const file = fileOf(url);
  const i = file.lastIndexOf('/node_modules/');
  if (i >= 0) {
    const parts = file.slice(i + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const src = file.indexOf('/dist/src/');
  if (src >= 0) return `app src/${file.slice(src + '/dist/src/'.length).split('/')[0]}`;
  return file;
}

function shortUrl(url) {
  if (!url) return '';
  const file = fileOf(url);
  const i = file.lastIndexOf('/node_modules/');
  if (i >= 0) return file.slice(i + '/node_modules/'.length);
  const src = file.indexOf('/dist/');
  return src >= 0 ? file.slice(src + 1) : file;
}

/** Samples with their time (µs, monotonic) and node. */
function samplesOf(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c).parent = n;
  const out = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    // A sample's weight: the time until the next one (the last gets the mean interval).
    const next = profile.timeDeltas[i + 1];
    out.push({ t, node: byId.get(profile.samples[i]), us: next ?? 0 });
  }
  const mean = (profile.endTime - profile.startTime) / Math.max(1, out.length);
  if (out.length) out[out.length - 1].us = mean;
  return out;
}

const IGNORED = new Set(['(idle)', '(root)']);

const keyOf = (f) =>
  `${f.functionName || '(anonymous)'}${f.url ? ` ${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`;

/**
 * Self time (µs) per function and per owner of the samples inside `windows`
 * ([{startUs, endUs}]), and inclusive time per function (samples with it anywhere on the
 * stack, once each; only the synchronous part: a continuation after an await starts a new stack).
 */
function selfTime(samples, windows) {
  const sorted = [...windows].sort((a, b) => a.startUs - b.startUs);
  const fns = new Map();
  const owners = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  for (const s of samples) {
    if (!sorted.some((w) => s.t >= w.startUs && s.t <= w.endUs)) continue;
    const f = s.node.callFrame;
    if (IGNORED.has(f.functionName)) {
      idle += s.us;
      continue;
    }
    const key = keyOf(f);
    const entry = fns.get(key) ?? { key, owner: owner(f.url), us: 0 };
    entry.us += s.us;
    fns.set(key, entry);
    owners.set(entry.owner, (owners.get(entry.owner) ?? 0) + s.us);
    total += s.us;
    const seen = new Set();
    for (let n = s.node; n && n.callFrame.functionName !== '(root)'; n = n.parent) {
      const k = keyOf(n.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      const e = inclusive.get(k) ?? { key: k, owner: owner(n.callFrame.url), us: 0 };
      e.us += s.us;
      inclusive.set(k, e);
    }
  }
  return { fns, owners, inclusive, total, idle };
}

/**
 * Compares two sets of windows of one profile, per call: `a` ({ windows, calls }) against
 * `b`. Returns the busy time per call of each, and functions and owners sorted by the self
 * time per call `a` spends beyond `b` (`onlyA`: functions `b` never ran).
 */
function compareWindows(profile, a, b) {
  const samples = samplesOf(profile);
  const sa = selfTime(samples, a.windows);
  const sb = selfTime(samples, b.windows);
  const perCall = (us, calls) => us / calls;
  const fnRows = [...sa.fns.values()].map((e) => {
    const other = sb.fns.get(e.key)?.us ?? 0;
    return {
      key: e.key,
      owner: e.owner,
      aUs: perCall(e.us, a.calls),
      bUs: perCall(other, b.calls),
      onlyA: other === 0,
    };
  });
  for (const r of fnRows) r.extraUs = r.aUs - r.bUs;
  fnRows.sort((x, y) => y.extraUs - x.extraUs);
  const ownerKeys = new Set([...sa.owners.keys(), ...sb.owners.keys()]);
  const ownerRows = [...ownerKeys].map((k) => {
    const aUs = perCall(sa.owners.get(k) ?? 0, a.calls);
    const bUs = perCall(sb.owners.get(k) ?? 0, b.calls);
    return { owner: k, aUs, bUs, extraUs: aUs - bUs };
  });
  ownerRows.sort((x, y) => y.extraUs - x.extraUs);
  // Frames only `a` had on its stacks, by the time spent in and under them.
  const inclusiveRows = [...sa.inclusive.values()]
    .filter((e) => !sb.inclusive.has(e.key))
    .map((e) => ({ key: e.key, owner: e.owner, aUs: perCall(e.us, a.calls) }))
    .sort((x, y) => y.aUs - x.aUs);
  return {
    interval: (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length),
    a: { busyUs: perCall(sa.total, a.calls), samplesUs: sa.total },
    b: { busyUs: perCall(sb.total, b.calls), samplesUs: sb.total },
    fns: fnRows,
    owners: ownerRows,
    inclusive: inclusiveRows,
  };
}

module.exports = { profileDir, findProfile, compareWindows, samplesOf, selfTime, owner };

if (require.main === module) {
  const [file, top = '25'] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const all = selfTime(samplesOf(profile), [{ startUs: -Infinity, endUs: Infinity }]);
  const rows = [...all.fns.values()].sort((x, y) => y.us - x.us).slice(0, Number(top));
  for (const r of rows) {
    process.stdout.write(
      `${((100 * r.us) / all.total).toFixed(1).padStart(5)} %  ${r.owner.padEnd(28)} ${r.key}\n`,
    );
  }
}
