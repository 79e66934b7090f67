import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CLI_ENTRY = join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const SERVER_ENTRY = join(ROOT, 'dist', 'src', 'main.js');

/**
 * The production command's node arguments and entry (package.json `start`, which the Dockerfile
 * and the Kubernetes manifests repeat), so spawned servers run as deployed.
 */
export const SERVER_ARGV: string[] = (() => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const argv = pkg.scripts.start.split(/\s+/);
  return [...argv.slice(1, argv.indexOf('dist/src/main.js')), SERVER_ENTRY];
})();

const pgliteVersion = (
  JSON.parse(
    readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ) as {
    version: string;
  }
).version;
export const TEMPLATE_DIR = join(tmpdir(), `passerelle-pglite-template-${pgliteVersion}`);

/** Variables the app reads: a suite or a spawned process never inherits them from the shell. */
export const APP_VARS = [
  'PORT',
  'APP_URL',
  'DATA_DIR',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'DATABASE_SSL',
  'REDIS_URL',
  'EMBEDDED_DATABASE_DIR',
  'CORS_ORIGINS',
  'BODY_LIMIT',
  'GPT_KEY_PREFIX',
  'GPT_DEFAULT_RATE_LIMIT',
  'GPT_KEY_CACHE_TTL_MS',
  'GPT_USAGE_FLUSH_MS',
  'MCP_ALLOWED_ORIGINS',
  'MCP_MAX_BODY_BYTES',
  'MCP_MAX_RESULT_CHARS',
  'OAUTH_ACCESS_TOKEN_TTL_SECONDS',
  'OAUTH_REFRESH_TOKEN_TTL_DAYS',
  'OAUTH_RATE_LIMIT_PER_HOUR',
  'LOGIN_MAX_PER_IP',
  'LOGIN_MAX_PER_EMAIL',
  'MIGRATIONS_RUN',
  'TRUST_PROXY',
  'SESSION_TTL_HOURS',
  'SHUTDOWN_GRACE_MS',
  'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  'LOG_LEVEL',
  'ENCRYPTION_KEY',
  'OLD_ENCRYPTION_KEY',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'ADMIN_COOKIE_SECRET',
  'ADMIN_JS_TMP_DIR',
  'ADMIN_JS_SKIP_BUNDLE',
  'METRICS_TOKEN',
  'SENTRY_DSN',
  'SENTRY_ENVIRONMENT',
  'SENTRY_TRACES_SAMPLE_RATE',
  'FEEDBACK_WEBHOOK_URL',
  'FEEDBACK_MAX_PER_IP_PER_HOUR',
  'FEEDBACK_WEBHOOK_MAX_ATTEMPTS',
  'FEEDBACK_WEBHOOK_RETRY_MS',
  'SUPPORT_WEBHOOK_URL',
  'SUPPORT_WEBHOOK_MAX_ATTEMPTS',
  'SUPPORT_WEBHOOK_RETRY_MS',
  'PRIVACY_ORGANIZATION',
  'PRIVACY_CONTACT_EMAIL',
  'PRIVACY_POLICY_FILE',
  'OPENAI_BASE_URL',
  'ANTHROPIC_BASE_URL',
  'MISTRAL_BASE_URL',
  'GROQ_BASE_URL',
  'LLM_TIMEOUT_MS',
  'LLM_MAX_RETRIES',
  'LLM_RETRY_BASE_DELAY_MS',
  'LLM_PRICING_JSON',
  'LLM_DEFAULT_MODEL_OPENAI',
  'LLM_DEFAULT_MODEL_ANTHROPIC',
  'LLM_DEFAULT_MODEL_MISTRAL',
  'LLM_DEFAULT_MODEL_GROQ',
  'LLM_DEFAULT_MODEL_MOCK',
  'CHAT_MOCK_MODE',
  'CHAT_MESSAGE_LIMIT',
  'CHAT_READ_LIMIT',
  'CHAT_CREATE_SESSION_LIMIT',
  'CHAT_RATE_WINDOW_MS',
  'CHAT_SSE_HEARTBEAT_MS',
  'CHAT_CONTEXT_MESSAGES',
];
