#!/usr/bin/env node
// `npm run bench`: measures the server under load and writes bench/RESULTS.md (see bench/run.js).
'use strict';
require('../bench/run')
  .main()
  // Exit even if a client library left a timer or socket behind.
  .then((code) => process.exit(code));
