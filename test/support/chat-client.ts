import type { TestApp } from './test-app';

/** A chat visitor as the API sees one: an IP (X-Forwarded-For, trusted from loopback) and a session. */
export interface Visitor {
  ip: string;
  id: string;
  token: string;
}

let ipCounter = 0;
/** A fresh client IP, so rate-limit counters of one test never touch another's. */
export const nextIp = () => {
  ipCounter += 1;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

export async function newVisitor(t: TestApp, ip = nextIp()): Promise<Visitor> {
  const res = await t
    .http()
    .post('/api/chat/create-session')
    .set('X-Forwarded-For', ip)
    .send({})
    .expect(201);
  return { ip, id: res.body.sessionId as string, token: res.body.sessionToken as string };
}

export const sendAs = (t: TestApp, v: Visitor, message: unknown, ip = v.ip) =>
  t
    .http()
    .post('/api/chat/message')
    .set('X-Forwarded-For', ip)
    .set('X-Chat-Token', v.token)
    .send({ sessionId: v.id, message });

export const historyOf = (t: TestApp, v: Visitor, after?: number, ip = v.ip) =>
  t
    .http()
    .get('/api/chat/history')
    .query(after === undefined ? { sessionId: v.id } : { sessionId: v.id, after })
    .set('X-Forwarded-For', ip)
    .set('X-Chat-Token', v.token);

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * An SSE stream read over real HTTP (fetch), the way the chat page reads it. `next(pred)`
 * waits for the first event matching `pred` that has not been consumed yet.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  /** The server ended the stream. */
  ended = false;
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];
  private done: Promise<void> = Promise.resolve();
  private consumed = 0;

  static async open(url: string, headers: Record<string, string>): Promise<SseReader> {
    const reader = new SseReader();
    const res = await fetch(url, { headers, signal: reader.abort.signal });
    reader.status = res.status;
    if (res.ok && res.body) {
      reader.done = reader
        .read(res.body)
        .then(() => void (reader.ended = true))
        .catch(() => undefined);
    } else await res.arrayBuffer();
    return reader;
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const ev: SseEvent = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) ev.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) ev.id = line.slice(4);
          else if (line.startsWith('event: ')) ev.event = line.slice(7);
          else if (line.startsWith('data: '))
            ev.data = (ev.data ? `${ev.data}\n` : '') + line.slice(6);
        }
        this.events.push(ev);
        this.waiters.forEach((w) => w());
      }
    }
  }

  /** Messages (parsed `message` events) received so far. */
  messages(): { sequence: number; role: string; content: string }[] {
    return this.events
      .filter((e) => e.event === 'message' && e.data)
      .map((e) => JSON.parse(e.data!) as { sequence: number; role: string; content: string });
  }

  async waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > deadline) {
        throw new Error(
          `SSE: condition not met in ${timeoutMs} ms; got ${JSON.stringify(this.events)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
      this.waiters = [];
    }
    this.consumed = this.events.length;
  }

  get unconsumed() {
    return this.events.slice(this.consumed);
  }

  async close() {
    this.abort.abort();
    await this.done;
  }
}
