#!/usr/bin/env node
// `npm run bench:soak`: mixed traffic for SOAK_SECONDS, RSS over time, usage counts checked;
// writes the `soak` section of bench/RESULTS.md (see bench/soak.js).
'use strict';
require('../bench/soak')
  .main()
  // Exit even if a client library left a timer or socket behind.
  .then((code) => process.exit(code));
