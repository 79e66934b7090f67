'use strict';
// bench/RESULTS.md: one section per scenario. A run rewrites the sections of the scenarios it
// ran and keeps the others, so scenarios can be run alone (BENCH_SCENARIOS=...).
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RESULTS_FILE = path.join(__dirname, '..', 'RESULTS.md');

const HEADER = `# Benchmarks

Written by \`npm run bench\` (scripts/bench.js; scenarios in bench/scenarios/),
\`npm run bench:startup\` (scripts/bench-startup.js) and \`npm run bench:soak\` (bench/soak.js).
Each section is regenerated when its scenario runs; sections of scenarios not run are kept as they were.
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
  // The file's order, then new sections; sections of other scripts (bench:startup, bench:soak) stay.
  const ids = [...previous.keys()];
  for (const { id } of scenarios) if (!ids.includes(id)) ids.push(id);
  for (const id of ids) {
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

/**
 * The lines every scenario section ends with when its figures need a caveat: a run disturbed
 * by other processes (share of a core, or null), and problems that invalidate figures or checks.
 */
function caveatLines({ disturbed, problems }) {
  const lines = [];
  if (disturbed) {
    lines.push(
      '',
      `**Disturbed run:** other processes used ${fmt.pct(disturbed)} of a core during the measurement ` +
        `(builds, tests): req/s and latencies are lower and noisier than on a quiet machine; prefer a rerun.`,
    );
  }
  if (problems.length > 0) {
    lines.push('', '**Problems (figures or checks not valid):**', ...problems.map((p) => `- ${p}`));
  }
  return lines;
}

module.exports = { writeResults, machine, fmt, caveatLines, RESULTS_FILE };
