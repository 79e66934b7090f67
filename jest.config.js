/** Unit specs beside the code; e2e suites in test/ on the real AppModule and a real database. */
const { existsSync } = require('node:fs');

/**
 * Suites that drive Debian's Chromium (CHROMIUM in test/support/browser.ts). Without it they are
 * left out here, with a warning, rather than skipped inside the file: a suite whose tests are
 * all skipped ends at once, while importing AppModule has started loading AdminJS, and jest then
 * fails on imports made after its environment is gone. `.ci/run` installs Chromium.
 */
const BROWSER_SUITES = [
  '<rootDir>/test/admin-browser.e2e-spec.ts',
  '<rootDir>/test/chat-page.e2e-spec.ts',
  '<rootDir>/test/oauth-browser.e2e-spec.ts',
  '<rootDir>/test/timesheets-browser.e2e-spec.ts',
];
const hasChromium = existsSync('/usr/bin/chromium');
if (!hasChromium && !process.env.JEST_WORKER_ID) {
  console.warn(
    'jest: /usr/bin/chromium is missing (apt-get install chromium): the browser suites ' +
      '(test/admin-browser, test/chat-page, test/oauth-browser, test/timesheets-browser) do not run.',
  );
}

/**
 * Suites that only make sense on a PostgreSQL server and Redis (two app instances sharing
 * them): left out the same way without DATABASE_URL and REDIS_URL, for the same reason.
 * `.ci/run` runs them in its second e2e step.
 */
const SERVER_SUITES = ['<rootDir>/test/llm-budget-redis.e2e-spec.ts'];
const hasServers = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        ...(hasChromium ? [] : BROWSER_SUITES),
        ...(hasServers ? [] : SERVER_SUITES),
      ],
      transform,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 60_000,
  // Two cores: more workers than that only makes PGlite instances fight for CPU.
  maxWorkers: 2,
};
