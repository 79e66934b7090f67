import type { Breadcrumb, Event } from '@sentry/nestjs';

export const FILTERED = '[Filtered]';

/** Object keys whose values are credentials or personal data, wherever they appear in an event. */
const SENSITIVE_KEY = /authorization|cookie|passw|secret|token|api[-_]?key|credential|session/i;

/** Request headers worth keeping on an event: none of them can carry a credential. */
export const SAFE_HEADERS = ['user-agent', 'content-type', 'content-length', 'accept'];

/** Event parts that are SDK metadata (or shared with the SDK's scopes): never walked. */
const SKIPPED_KEYS = new Set(['sdk', 'modules', 'debug_meta', 'sdkProcessingMetadata']);

const MAX_DEPTH = 20;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes secrets from what the Sentry SDK is about to send: credentials by shape anywhere in
 * any string (GPT keys, session tokens, provider keys, Bearer values, URL passwords, query
 * values), values under credential-like keys, and all of a request but its method, path and a
 * few harmless headers. Bodies, cookies and IPs are also never collected (see `dataCollection`):
 * this is the second line, for what a message or a library error carries.
 */
export class SentryScrubber {
  private readonly patterns: [RegExp, string][];

  constructor(tokenPrefixes: string[]) {
    const prefixes = [...new Set(tokenPrefixes)].map(escapeRegExp).join('|');
    this.patterns = [
      // GPT keys and staff session tokens (any length: a truncated key is still a secret).
      [new RegExp(`(?:${prefixes})[A-Za-z0-9]+`, 'g'), FILTERED],
      // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Groq (gsk_) and similar provider keys.
      [/\b(?:sk|gsk|xai)[-_][A-Za-z0-9_-]{8,}/g, FILTERED],
      [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${FILTERED}`],
      // user:password@ in any URL (a DATABASE_URL in a driver error, say).
      [/(\/\/)[^\s/@:]+:[^\s/@]+@/g, `$1${FILTERED}@`],
      // Query string values (?api_key=..., &token=...): the names stay, the values go.
      [/([?&][^\s=&#?]+)=[^\s&#"']*/g, `$1=${FILTERED}`],
    ];
  }

  string(value: string): string {
    let out = value;
    for (const [pattern, replacement] of this.patterns) out = out.replace(pattern, replacement);
    return out;
  }

  /** `beforeSend` / `beforeSendTransaction`: the event, scrubbed in place. */
  event<T extends Event>(event: T): T {
    if (event.request) {
      const { method, url, headers } = event.request;
      event.request = {
        method,
        url: url ? url.split(/[?#]/)[0] : undefined,
        headers: Object.fromEntries(
          Object.entries(headers ?? {}).filter(([name]) =>
            SAFE_HEADERS.includes(name.toLowerCase()),
          ),
        ),
      };
    }
    delete event.user;
    this.walk(event, 0);
    return event;
  }

  /**
   * `beforeBreadcrumb`: console output is dropped (it may print a generated password; the logs
   * have it anyway); outgoing HTTP calls keep only the origin (a webhook URL path can be its token).
   */
  breadcrumb(crumb: Breadcrumb): Breadcrumb | null {
    if (crumb.category === 'console') return null;
    const url = crumb.data?.url;
    if (typeof url === 'string') {
      crumb.data = { ...crumb.data, url: originOf(url) };
      delete crumb.data['http.query'];
      delete crumb.data['http.fragment'];
    }
    this.walk(crumb, 0);
    return crumb;
  }

  private walk(node: unknown, depth: number): void {
    if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : Object.entries(node);
    const target = node as Record<string | number, unknown>;
    for (const [key, value] of entries) {
      if (typeof key === 'string' && SKIPPED_KEYS.has(key)) continue;
      if (typeof key === 'string' && SENSITIVE_KEY.test(key) && value != null) {
        target[key] = FILTERED;
      } else if (typeof value === 'string') {
        target[key] = this.string(value);
      } else {
        this.walk(value, depth + 1);
      }
    }
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return FILTERED;
  }
}
