'use strict';
// The scenarios `npm run bench` runs, in this order (BENCH_SCENARIOS=id,… picks some).
// A scenario exports { id, title, run(ctx) → result, summary(result) → lines,
// render(results of every mode, meta) → markdown section, valid(result) → boolean }.
module.exports = [
  require('./gpt-key-auth'),
  require('./gpt-devis'),
  require('./mcp'),
  require('./llm-proxy'),
  require('./llm-gateway'),
  require('./chat-polling'),
];
