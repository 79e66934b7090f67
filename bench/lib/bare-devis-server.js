'use strict';
// The baseline of bench/scenarios/gpt-devis.js: GET /api/gpt/devis/:id answered by a bare
// node:http server and a pg Pool, with the same SQL and the same JSON as the app's
// GptAnalysesService.devisForGpt (src/gpt-analyses/gpt-analyses.service.ts), but without Nest,
// Express, TypeORM, auth, rate limit or usage counting. The SQL is a copy of the app's
// DevisRepository.findWithLines (src/devis/devis.repository.ts) and
// GptAnalysesRepository.recentByDevis (src/gpt-analyses/gpt-analyses.repository.ts), run the same
// way (one after the other): when the app's queries change, change these too (the scenario warns
// when the two servers' statements per request differ). The money rules are a plain-JS copy of
// src/devis/devis-math.ts (computeTotals, formatEuros, bpToPercent).
//
// Run it as a child process (child_process.fork): DATABASE_URL and BARE_POOL_SIZE in the
// environment; it listens on a free port of 127.0.0.1 and sends { ready: port } over IPC. It
// exits on SIGTERM/SIGINT (after closing the server and the pool) or when its parent goes away.
const http = require('node:http');
const { Pool } = require('pg');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROUTE = /^\/api\/gpt\/devis\/([^/?]+)(?:\?.*)?$/;
/** MAX_GPT_LINES in src/gpt-analyses/dto/gpt-devis.dto.ts (the default page of lines). */
const MAX_GPT_LINES = 100;

// The devis and its lines in one statement, the lines aggregated to JSON by PostgreSQL.
const DEVIS_SQL = `
  SELECT d.id, d.reference, d.title, d.status, d.company_name, d.company_siret, d.client_name,
         d.client_postcode, d.client_city, d.currency,
         d.total_ht_cents::float8 AS total_ht_cents, d.total_tva_cents::float8 AS total_tva_cents,
         d.total_ttc_cents::float8 AS total_ttc_cents,
         to_char(d.issue_date, 'YYYY-MM-DD') AS issue_date,
         to_char(d.valid_until, 'YYYY-MM-DD') AS valid_until,
         d.metadata, d.created_at, d.updated_at,
         coalesce((SELECT json_agg(json_build_object(
                    'id', l.id, 'devisId', l.devis_id, 'position', l.position,
                    'description', l.description, 'category', l.category,
                    'quantity', l.quantity::float8, 'unit', l.unit,
                    'unitPriceHtCents', l.unit_price_ht_cents::float8, 'tvaRateBp', l.tva_rate_bp,
                    'totalHtCents', l.total_ht_cents::float8) ORDER BY l.position)
             FROM devis_lines l WHERE l.devis_id = d.id), '[]'::json) AS lines
    FROM devis d WHERE d.id = $1`;
// The 5 latest analyses and how many there are, in one statement.
const ANALYSES_SQL = `
  SELECT id, gpt_score, gpt_grade, created_at, count(*) OVER () AS total
    FROM gpt_analyses WHERE devis_id = $1 ORDER BY created_at DESC LIMIT $2`;

// ---- plain-JS copy of src/devis/devis-math.ts -------------------------------------------------
function lineTotalHtCents(quantity, unitPriceHtCents) {
  const milli = Math.round(quantity * 1000);
  return Math.round((milli * unitPriceHtCents) / 1000);
}

function computeTotals(lines) {
  const buckets = new Map();
  for (const line of lines) {
    const bucket = buckets.get(line.tvaRateBp) ?? {
      tvaRateBp: line.tvaRateBp,
      baseHtCents: 0,
      tvaCents: 0,
    };
    bucket.baseHtCents += lineTotalHtCents(line.quantity, line.unitPriceHtCents);
    buckets.set(line.tvaRateBp, bucket);
  }
  const tvaBreakdown = [...buckets.values()]
    .map((b) => ({ ...b, tvaCents: Math.round((b.baseHtCents * b.tvaRateBp) / 10_000) }))
    .sort((a, b) => a.tvaRateBp - b.tvaRateBp);
  const totalHtCents = tvaBreakdown.reduce((s, b) => s + b.baseHtCents, 0);
  const totalTvaCents = tvaBreakdown.reduce((s, b) => s + b.tvaCents, 0);
  return { totalHtCents, totalTvaCents, totalTtcCents: totalHtCents + totalTvaCents, tvaBreakdown };
}

const bpToPercent = (bp) => bp / 100;
const EUR = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const formatEuros = (cents) => EUR.format(cents / 100).replace(/\u202f|\u00a0/g, ' ');
// ------------------------------------------------------------------------------------------------

/** The row shaped like the app's DevisEntity (amounts already numbers, dates strings). */
function toDevis(r) {
  return {
    id: r.id,
    reference: r.reference,
    title: r.title,
    status: r.status,
    companyName: r.company_name,
    companySiret: r.company_siret,
    clientName: r.client_name,
    clientPostcode: r.client_postcode,
    clientCity: r.client_city,
    totalHtCents: r.total_ht_cents,
    totalTvaCents: r.total_tva_cents,
    totalTtcCents: r.total_ttc_cents,
    issueDate: r.issue_date,
    validUntil: r.valid_until,
    metadata: r.metadata,
    lines: r.lines,
  };
}

/** The GptDevisDto of devisForGpt(id) with the default page (linesOffset 0, linesLimit 100). */
function gptDevis(d, analyses, linesOffset = 0, linesLimit = MAX_GPT_LINES) {
  const lines = d.lines;
  const totals = computeTotals(lines);
  const categories = new Map();
  for (const l of lines) {
    const c = categories.get(l.category) ?? { category: l.category, lineCount: 0, totalHtCents: 0 };
    c.lineCount += 1;
    c.totalHtCents += l.totalHtCents;
    categories.set(l.category, c);
  }
  const page = lines.slice(linesOffset, linesOffset + linesLimit);
  return {
    id: d.id,
    reference: d.reference,
    title: d.title,
    status: d.status,
    company: { name: d.companyName, siret: d.companySiret },
    client: { name: d.clientName, postcode: d.clientPostcode, city: d.clientCity },
    issueDate: d.issueDate,
    validUntil: d.validUntil,
    totals: {
      ht: { cents: d.totalHtCents, formatted: formatEuros(d.totalHtCents) },
      tva: { cents: d.totalTvaCents, formatted: formatEuros(d.totalTvaCents) },
      ttc: { cents: d.totalTtcCents, formatted: formatEuros(d.totalTtcCents) },
    },
    tvaBreakdown: totals.tvaBreakdown.map((b) => ({
      ratePercent: bpToPercent(b.tvaRateBp),
      baseHtCents: b.baseHtCents,
      tvaCents: b.tvaCents,
    })),
    categories: [...categories.values()].sort((a, b) => b.totalHtCents - a.totalHtCents),
    lineCount: lines.length,
    linesOffset,
    hasMoreLines: linesOffset + page.length < lines.length,
    lines: page.map((l) => ({
      position: l.position,
      description: l.description,
      category: l.category,
      quantity: l.quantity,
      unit: l.unit,
      unitPriceHtCents: l.unitPriceHtCents,
      tvaRate: bpToPercent(l.tvaRateBp),
      totalHtCents: l.totalHtCents,
    })),
    metadata: d.metadata,
    analysisCount: analyses.length ? Number(analyses[0].total) : 0,
    previousAnalyses: analyses.map((a) => ({
      id: a.id,
      gptScore: a.gpt_score,
      gptGrade: a.gpt_grade,
      createdAt: a.created_at,
    })),
  };
}

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function createServer(pool) {
  return http.createServer((req, res) => {
    const m = req.method === 'GET' ? ROUTE.exec(req.url) : null;
    if (!m) return send(res, 404, { error: 'NOT_FOUND' });
    const id = decodeURIComponent(m[1]);
    // The app also accepts a reference here; the bench only asks by id.
    if (!UUID.test(id)) return send(res, 404, { error: 'NOT_FOUND' });
    (async () => {
      const { rows } = await pool.query(DEVIS_SQL, [id]);
      if (rows.length === 0) return send(res, 404, { error: 'NOT_FOUND' });
      const devis = toDevis(rows[0]);
      // Like the app: the devis first, then its analyses.
      const analyses = await pool.query(ANALYSES_SQL, [devis.id, 5]);
      send(res, 200, gptDevis(devis, analyses.rows));
    })().catch((err) => {
      process.stderr.write(`bare-devis-server: ${err.message}\n`);
      if (!res.headersSent) send(res, 500, { error: 'INTERNAL' });
      else res.destroy();
    });
  });
}

function main() {
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.BARE_POOL_SIZE || 10),
    application_name: 'passerelle-bench-bare',
  });
  pool.on('error', (err) => process.stderr.write(`bare-devis-server pool: ${err.message}\n`));
  const server = createServer(pool);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    pool.end().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop); // the bench died: do not linger
  server.listen(0, '127.0.0.1', () => process.send?.({ ready: server.address().port }));
}

if (require.main === module) main();

module.exports = { ANALYSES_SQL, DEVIS_SQL, UUID, computeTotals, formatEuros, gptDevis, toDevis };
