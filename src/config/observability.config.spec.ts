import { loadObservabilityConfig } from './observability.config';

describe('observability configuration', () => {
  const DSN = 'https://0123abcd@o42.ingest.sentry.io/4505';

  it('leaves Sentry off without SENTRY_DSN', () => {
    expect(loadObservabilityConfig({ SENTRY_ENVIRONMENT: 'staging' }).sentry).toBeNull();
  });

  it('defaults the environment to NODE_ENV and the traces sample rate to 0', () => {
    expect(loadObservabilityConfig({ SENTRY_DSN: DSN, NODE_ENV: 'production' }).sentry).toEqual({
      dsn: DSN,
      environment: 'production',
      tracesSampleRate: 0,
    });
    expect(
      loadObservabilityConfig({
        SENTRY_DSN: 'http://key@127.0.0.1:9000/sentry/7',
        SENTRY_ENVIRONMENT: 'staging',
        SENTRY_TRACES_SAMPLE_RATE: '0.25',
      }).sentry,
    ).toMatchObject({ environment: 'staging', tracesSampleRate: 0.25 });
  });

  it.each([
    ['SENTRY_DSN', { SENTRY_DSN: 'not a url' }],
    ['SENTRY_DSN', { SENTRY_DSN: 'https://o42.ingest.sentry.io/4505' }],
    ['SENTRY_DSN', { SENTRY_DSN: 'https://key@o42.ingest.sentry.io/' }],
    ['SENTRY_ENVIRONMENT', { SENTRY_DSN: DSN, SENTRY_ENVIRONMENT: 'has spaces' }],
    ['SENTRY_TRACES_SAMPLE_RATE', { SENTRY_DSN: DSN, SENTRY_TRACES_SAMPLE_RATE: '1.5' }],
    ['SENTRY_TRACES_SAMPLE_RATE', { SENTRY_DSN: DSN, SENTRY_TRACES_SAMPLE_RATE: 'often' }],
  ])('stops with a message naming %s', (name, env) => {
    expect(() => loadObservabilityConfig(env)).toThrow(
      new RegExp(`Invalid configuration: .*${name}`),
    );
  });
});
