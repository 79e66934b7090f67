import type { PGlite } from '@electric-sql/pglite';
import { createServer, Server, Socket } from 'node:net';

/**
 * Serves one PGlite instance to several PostgreSQL clients over a Unix socket.
 *
 * PGlite is a single backend session. A client's extended-protocol exchange
 * (Parse/Bind/Describe/Execute … Sync) must reach it in one piece, and a client's open
 * transaction must not see other clients' statements. So each connection's messages are
 * grouped into units ending at Sync, Query or Terminate; units run one at a time; and while
 * a unit leaves a transaction open, only that connection's units run until it ends.
 * (@electric-sql/pglite-socket 0.2.17 queues single messages, which interleaves the
 * unnamed portals of concurrent clients: "portal \"\" does not exist".)
 */
export class PGliteSocketServer {
  private server?: Server;
  private readonly queue: { conn: Connection; bytes: Uint8Array; done: () => void }[] = [];
  private running = false;
  private owner: Connection | null = null;
  private readonly connections = new Set<Connection>();

  constructor(private readonly db: PGlite) {}

  async listen(path: string): Promise<void> {
    await this.db.waitReady;
    this.server = createServer((socket) => {
      const conn = new Connection(socket, this);
      this.connections.add(conn);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(path, () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Queues a unit of messages; resolves once PGlite has answered it. */
  submit(conn: Connection, bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ conn, bytes, done: resolve });
      void this.drain();
    });
  }

  async forget(conn: Connection): Promise<void> {
    this.connections.delete(conn);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].conn === conn) this.queue.splice(i, 1)[0].done();
    }
    if (this.owner === conn) {
      // The client went away inside a transaction: roll it back so others can proceed.
      await this.db.runExclusive(() => this.db.exec('ROLLBACK')).catch(() => undefined);
      this.owner = null;
      void this.drain();
    }
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((u) => u.conn === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) return;
        const unit = this.queue.splice(index, 1)[0];
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(unit.bytes, {
              onRawData: (data) => unit.conn.write(data),
            }),
          );
        } catch (err) {
          unit.conn.fail(err as Error);
        }
        this.owner = this.db.isInTransaction() ? unit.conn : null;
        unit.done();
      }
    } finally {
      this.running = false;
    }
  }
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Messages that end a unit: Sync, simple Query, Terminate. */
const UNIT_END = new Set(['S'.charCodeAt(0), 'Q'.charCodeAt(0), 'X'.charCodeAt(0)]);

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private started = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: Socket,
    private readonly server: PGliteSocketServer,
  ) {
    socket.on('data', (data) => this.onData(data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.server.forget(this));
  }

  write(data: Uint8Array) {
    // Copy: PGlite hands out a view of its WASM memory, reused once this callback returns.
    if (data.length > 0 && this.socket.writable) this.socket.write(Buffer.from(data));
  }

  fail(err: Error) {
    // A protocol-level failure of PGlite itself (not an SQL error, which comes back as a message).
    this.socket.destroy(err);
  }

  private onData(data: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        const code = this.buffer.readInt32BE(4);
        if (this.buffer.length < length) return;
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST) this.socket.write('N');
        else if (code === CANCEL_REQUEST)
          continue; // nothing to cancel in a single backend
        else if (code === PROTOCOL_3) {
          this.started = true;
          this.enqueue(Buffer.from(message));
        } else {
          this.socket.destroy();
          return;
        }
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) return;
      const type = this.buffer[0];
      this.pending.push(Buffer.from(this.buffer.subarray(0, length)));
      this.buffer = this.buffer.subarray(length);
      if (UNIT_END.has(type)) {
        const unit = Buffer.concat(this.pending);
        this.pending = [];
        this.enqueue(unit);
        if (type === 'X'.charCodeAt(0)) {
          void this.chain.then(() => this.socket.end());
          return;
        }
      }
    }
  }

  /** Units of one connection run in order. */
  private enqueue(bytes: Buffer) {
    this.chain = this.chain.then(() => this.server.submit(this, new Uint8Array(bytes)));
  }
}
