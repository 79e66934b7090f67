import type { LoggerService } from '@nestjs/common';

export interface BatchWriterOptions<T> {
  /** What the items are, for log lines: "GPT key usage count(s)". */
  label: string;
  intervalMs: number;
  write: (batch: T[]) => Promise<void>;
  logger: Pick<LoggerService, 'warn' | 'error'>;
  /** Items of one key wait as one (counters): `merge` folds a newer item into an older one. */
  mergeBy?: { key: (item: T) => string; merge: (older: T, newer: T) => T };
  /** The most items one `write` call gets. */
  maxBatch?: number;
  /** Flushes tried at shutdown before what is left is given up. */
  shutdownAttempts?: number;
}

/**
 * Keeps items in memory and writes them off the request path: every `intervalMs`, on `flush()`
 * and at `close()` (call it before the database closes). Items of a failed write wait for the
 * next flush, merged with newer ones, so an outage delays writes without losing them.
 */
export class BatchWriter<T> {
  private pending = new Map<unknown, T>();
  private inFlight: T[] = [];
  private nextId = 0;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;

  constructor(private readonly options: BatchWriterOptions<T>) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  add(item: T): void {
    const by = this.options.mergeBy;
    if (!by) {
      this.pending.set(this.nextId++, item);
      return;
    }
    const key = by.key(item);
    const older = this.pending.get(key);
    this.pending.set(key, older === undefined ? item : by.merge(older, item));
  }

  /** Items not written yet, including a batch being written (it may already be committed). */
  *items(): IterableIterator<T> {
    yield* this.inFlight;
    yield* this.pending.values();
  }

  get size(): number {
    return this.inFlight.length + this.pending.size;
  }

  /**
   * Writes what is pending now. Flushes never overlap: a call during a write waits for it,
   * and calls made meanwhile share the one flush queued behind it, so a slow database
   * cannot pile up interval flushes.
   */
  flush(): Promise<void> {
    if (!this.queued) {
      const run = this.running.then(() => {
        this.queued = undefined;
        return this.writePending();
      });
      this.queued = this.running = run;
    }
    return this.queued;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    const attempts = this.options.shutdownAttempts ?? 3;
    for (let i = 0; i < attempts && this.pending.size > 0; i++) await this.flush();
    if (this.pending.size > 0)
      this.options.logger.error(`Lost ${this.pending.size} ${this.options.label} at shutdown`);
  }

  /** Only what was pending when the flush began: under steady load a flush still ends. */
  private async writePending(): Promise<void> {
    let left = this.pending.size;
    while (left > 0 && this.pending.size > 0) {
      const batch = this.take(Math.min(left, this.options.maxBatch ?? Infinity));
      left -= batch.length;
      this.inFlight = batch.map(([, item]) => item);
      try {
        await this.options.write(this.inFlight);
      } catch (err) {
        this.putBack(batch);
        this.options.logger.warn(
          `${batch.length} ${this.options.label} not written yet, will retry: ${err instanceof Error ? err.message : String(err)}`,
        );
        return;
      } finally {
        this.inFlight = [];
      }
    }
  }

  private take(n: number): [unknown, T][] {
    if (n >= this.pending.size) {
      const all = [...this.pending];
      this.pending = new Map();
      return all;
    }
    const batch: [unknown, T][] = [];
    for (const entry of this.pending) {
      if (batch.length === n) break;
      batch.push(entry);
    }
    for (const [key] of batch) this.pending.delete(key);
    return batch;
  }

  /** Failed items go back first, so they are written before newer ones. */
  private putBack(batch: [unknown, T][]) {
    const merge = this.options.mergeBy?.merge;
    const restored = new Map(batch);
    for (const [key, newer] of this.pending) {
      const older = restored.get(key);
      restored.set(key, older !== undefined && merge ? merge(older, newer) : newer);
    }
    this.pending = restored;
  }
}
