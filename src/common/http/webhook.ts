/** How long a webhook receiver may take to answer. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * POSTs `body` as JSON to a webhook. Null when the receiver took it (2xx), else why not, in
 * words fit for a log line: never the URL, which may hold a token. Redirects are refused.
 */
export async function postWebhook(
  url: string,
  userAgent: string,
  body: unknown,
): Promise<string | null> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': userAgent },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      redirect: 'error',
    });
    await res.body?.cancel().catch(() => undefined);
    return res.ok ? null : `answered HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error;
    return e.name === 'TimeoutError' ? `timed out after ${WEBHOOK_TIMEOUT_MS} ms` : 'unreachable';
  }
}

/**
 * Timers for work retried in the background: they never keep the process alive (unref), and
 * `stop()` at shutdown clears them and refuses new ones.
 */
export class BackgroundTimers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Runs `work` after `delayMs`, unless stopped by then. */
  later(delayMs: number, work: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
