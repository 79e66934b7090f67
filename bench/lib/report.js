'use strict';
// bench/RESULTS.md: one section per scenario. A run rewrites the sections of the scenarios it
// ran and keeps the others, so scenarios can be run alone (BENCH_SCENARIOS=...).
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RESULTS_FILE = path.join(__dirname, '..', 'RESULTS.md');

const HEADER = `# Benchmarks

Written by \`npm run bench\` (scripts/bench.js; scenarios in bench/scenarios/). Each section is
regenerated when its scenario runs; sections of scenarios not run are kept as they were.
`;

const begin = (id) => `<!-- bench:${id}:begin -->`;
const end = (id) => `<!-- bench:${id}:end -->`;

function readSections(file) {
  const sections = new Map();
  if (!existsSync(file)) return sections;
  const text = readFileSync(file, 'utf8');
  const re = /<!-- bench:([\w-]+):begin -->\n([\s\S]*?)<!-- bench:\1:end -->/g;
  for (const m of text.matchAll(re)) sections.set(m[1], m[2]);
  return sections;
}

/** Rewrites the file: sections in `scenarios` order, fresh ones from `rendered` (id → markdown). */
function writeResults(scenarios, rendered, file = RESULTS_FILE) {
  const previous = readSections(file);
  const parts = [HEADER];
  for (const { id } of scenarios) {
    const body = rendered.get(id) ?? previous.get(id);
    if (body !== undefined) parts.push(`${begin(id)}\n${body.trimEnd()}\n${end(id)}\n`);
  }
  writeFileSync(file, parts.join('\n'));
  return file;
}

/** Facts about the machine worth printing next to any figure. */
function machine() {
  const cpus = os.cpus();
  return {
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    cpuModel: cpus[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ms: (n) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : 'n/a'),
  pct: (n) => (n === null || n === undefined ? 'n/a' : `${Math.round(n * 100)} %`),
  ratio: (n) => n.toFixed(3),
};

module.exports = { writeResults, machine, fmt, RESULTS_FILE };
