import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Response } from 'express';
import { LifecycleState } from '../common/lifecycle/lifecycle.state';
import { chatConfig } from '../config';
import { ChatEvents } from './chat-events';
import { ChatRepository } from './chat.repository';
import { CHAT_RULES } from './chat.rules';

interface OpenStream {
  sessionId: string;
  end(): void;
}

const HISTORY_PAGE = CHAT_RULES.historyPage;

/** Open streams one session may hold (tabs, reconnects); the oldest is closed beyond that. */
const MAX_STREAMS_PER_SESSION = 5;

/**
 * Server-Sent Events of one session: each stored message is one `message` event whose `id`
 * is its sequence (so EventSource's Last-Event-ID resumes where it stopped), read from the
 * database after the stream's cursor whenever ChatEvents says the session moved. Comment
 * lines keep idle streams open. Streams end when the server starts draining, and a session
 * holds at most MAX_STREAMS_PER_SESSION (connects are also rate-limited like history reads).
 */
@Injectable()
export class ChatStreamService implements OnModuleDestroy {
  private readonly open = new Set<OpenStream>();
  private readonly drainWatch = setInterval(() => {
    if (this.lifecycle.draining) this.endAll();
  }, 1_000).unref();

  constructor(
    private readonly repo: ChatRepository,
    private readonly events: ChatEvents,
    private readonly lifecycle: LifecycleState,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  serve(res: Response, sessionId: string, after: number): void {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');

    let cursor = after;
    let running = false;
    let again = false;
    let closed = false;
    const pump = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const rows = await this.repo.messagesAfter(sessionId, cursor, HISTORY_PAGE);
          for (const row of rows) {
            if (closed) return;
            res.write(`id: ${row.sequence}\nevent: message\ndata: ${JSON.stringify(row)}\n\n`);
            cursor = row.sequence;
          }
          if (rows.length === HISTORY_PAGE) again = true;
        } while (again && !closed);
      } catch {
        stream.end(); // the database failed: the client reconnects (or polls)
      } finally {
        running = false;
      }
    };
    const unsubscribe = this.events.subscribe(sessionId, (last) => {
      if (last > cursor) void pump();
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), this.config.sseHeartbeatMs);
    const stream: OpenStream = {
      sessionId,
      end: () => {
        if (!res.writableEnded) res.end();
      },
    };
    const sameSession = [...this.open].filter((s) => s.sessionId === sessionId);
    const excess = sameSession.length + 1 - MAX_STREAMS_PER_SESSION;
    for (const old of sameSession.slice(0, Math.max(0, excess))) old.end();
    this.open.add(stream);
    res.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(stream);
    });
    void pump();
  }

  private endAll() {
    for (const s of this.open) s.end();
  }

  onModuleDestroy() {
    clearInterval(this.drainWatch);
    this.endAll();
  }
}
