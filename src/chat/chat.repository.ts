import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { pgPool } from '../database/kit/pg-pool';
import type { Transaction } from '../database/kit/transaction';
import type { ChatMessageRole } from './entities/chat-message.entity';
import type { ChatSessionStatus } from './entities/chat-session.entity';

export interface ChatMessageRow {
  id: string;
  sessionId: string;
  sequence: number;
  role: ChatMessageRole;
  senderName: string | null;
  content: string;
  tokensUsed: number | null;
  createdAt: Date;
}

export interface ChatSessionState {
  id: string;
  userId: string | null;
  status: ChatSessionStatus;
  assistantEnabled: boolean;
  lastSequence: number;
  /** The visitor's satisfaction (1–5) once given. */
  rating: number | null;
}

export interface ChatSessionRow extends ChatSessionState {
  userEmail: string | null;
  assignedStaffId: string | null;
  title: string | null;
  lastMessageAt: Date | null;
  ratingComment: string | null;
  ratedAt: Date | null;
  createdAt: Date;
  /** Set when a doubtful analysis of this devis opened the conversation. */
  devisId: string | null;
}

export interface NewChatMessage {
  role: ChatMessageRole;
  senderName: string | null;
  content: string;
  tokensUsed?: number | null;
}

/** Changes to a session made with the messages appended to it. Undefined: unchanged. */
export interface ChatSessionPatch {
  status?: ChatSessionStatus;
  assistantEnabled?: boolean;
  /** Replaces the assignee. */
  assignedStaffId?: string;
  /** Sets the assignee only while there is none. */
  assignIfUnassigned?: string;
  /** Set only while the session has no title yet. */
  titleIfUnset?: string;
  /**
   * Write only while the assistant still answers this session: a staff member who took over
   * while a provider call ran wins, and the late assistant reply is dropped.
   */
  onlyWhileAssistantEnabled?: boolean;
}

/** Counts added to user_usage_stats for that user and today's UTC date. */
export interface ChatUsageDelta {
  userId: string;
  messagesSent: number;
  assistantReplies: number;
  tokensUsed: number;
}

/** Arbitrary namespace of the per-devis advisory locks of review conversations. */
const REVIEW_LOCK_NAMESPACE = 18_001;

const MESSAGE_COLUMNS = `id, session_id AS "sessionId", sequence, role, sender_name AS "senderName",
  content, tokens_used AS "tokensUsed", created_at AS "createdAt"`;
const STATE_COLUMNS = `id, user_id AS "userId", status, assistant_enabled AS "assistantEnabled",
  last_sequence AS "lastSequence", rating`;
const SESSION_COLUMNS = `s.id, s.user_id AS "userId", u.email AS "userEmail", s.status,
  s.assistant_enabled AS "assistantEnabled", s.assigned_staff_id AS "assignedStaffId", s.title,
  s.last_sequence AS "lastSequence", s.last_message_at AS "lastMessageAt", s.created_at AS "createdAt",
  s.devis_id AS "devisId",
  s.rating, s.rating_comment AS "ratingComment", s.rated_at AS "ratedAt"`;

/**
 * The only place that queries chat_sessions, chat_messages and user_usage_stats (session
 * reads still join `users` for the visitor's email). Sequences are handed out by bumping
 * `last_sequence` on the session row (UPDATE … RETURNING) in the transaction that inserts the
 * messages: the row lock orders concurrent writers, so sequences are gapless, unique (also
 * enforced by an index) and committed in order.
 */
@Injectable()
export class ChatRepository {
  constructor(private readonly db: DataSource) {}

  /** A new session with its first message(s) at sequence 1…n. */
  async createSession(
    owner: { userId: string | null; visitorTokenHash: string | null },
    first: NewChatMessage[],
  ): Promise<{ session: ChatSessionState; messages: ChatMessageRow[] }> {
    return this.db.transaction(async (m) => {
      const [session] = await m.query<ChatSessionState[]>(
        `INSERT INTO chat_sessions (user_id, visitor_token_hash, last_sequence, last_message_at)
         VALUES ($1, $2, $3, now()) RETURNING ${STATE_COLUMNS}`,
        [owner.userId, owner.visitorTokenHash, first.length],
      );
      const messages = await this.insertMessages(m, session.id, 1, first);
      return { session, messages };
    });
  }

  /**
   * The conversation in which staff review a devis' doubtful analysis, in the caller's
   * transaction: while one for this devis is not resolved, `message` is appended to it (the
   * newest); otherwise a new `open` session (no assistant) starts with `message`. A
   * per-devis advisory lock, held to the end of the transaction, makes a concurrent post for
   * the same devis wait for this one to commit and then find its conversation.
   */
  async openReview(
    tx: Transaction,
    review: {
      devisId: string;
      userId: string | null;
      title: string;
      message: NewChatMessage;
    },
  ): Promise<{ sessionId: string; lastSequence: number; opened: boolean }> {
    await tx.query(`SELECT pg_advisory_xact_lock(${REVIEW_LOCK_NAMESPACE}, hashtext($1))`, [
      review.devisId,
    ]);
    const [rows] = await tx.query<[{ id: string; lastSequence: number }[], number]>(
      `UPDATE chat_sessions SET last_sequence = last_sequence + 1, last_message_at = now(),
         status = 'open', assistant_enabled = false, updated_at = now()
       WHERE id = (SELECT id FROM chat_sessions
                    WHERE origin = 'review' AND devis_id = $1 AND status <> 'resolved'
                    ORDER BY created_at DESC LIMIT 1)
       RETURNING id, last_sequence AS "lastSequence"`,
      [review.devisId],
    );
    if (rows[0]) {
      await this.insertMessages(tx, rows[0].id, rows[0].lastSequence, [review.message]);
      return { sessionId: rows[0].id, lastSequence: rows[0].lastSequence, opened: false };
    }
    const [created] = await tx.query<{ id: string }[]>(
      `INSERT INTO chat_sessions
         (origin, user_id, status, assistant_enabled, title, devis_id, last_sequence,
          last_message_at)
       VALUES ('review', $1, 'open', false, $2, $3, 1, now()) RETURNING id`,
      [review.userId, review.title, review.devisId],
    );
    await this.insertMessages(tx, created.id, 1, [review.message]);
    return { sessionId: created.id, lastSequence: 1, opened: true };
  }

  /**
   * The session if this user or visitor token owns it; null otherwise (also when unknown).
   * Every chat call starts here (polls every 2 s per visitor): on the pg pool directly.
   */
  async findOwned(
    sessionId: string,
    owner: { userId: string | null; visitorTokenHash: string | null },
  ): Promise<ChatSessionState | null> {
    const { rows } = await pgPool(this.db).query<ChatSessionState>(
      `SELECT ${STATE_COLUMNS} FROM chat_sessions
        WHERE id = $1 AND (user_id = $2 OR visitor_token_hash = $3)`,
      [sessionId, owner.userId, owner.visitorTokenHash],
    );
    return rows[0] ?? null;
  }

  /**
   * Appends messages (sequences last+1…last+n), applies the patch and adds the usage counts,
   * all in one transaction. Null if the session no longer exists (or, with
   * `onlyWhileAssistantEnabled`, no longer has the assistant on).
   */
  async append(
    sessionId: string,
    messages: NewChatMessage[],
    patch: ChatSessionPatch = {},
    usage?: ChatUsageDelta,
  ): Promise<{ session: ChatSessionState; messages: ChatMessageRow[] } | null> {
    return this.db.transaction(async (m) => {
      const [rows] = await m.query<[ChatSessionState[], number]>(
        `UPDATE chat_sessions SET
           last_sequence = last_sequence + $2,
           last_message_at = CASE WHEN $2 > 0 THEN now() ELSE last_message_at END,
           status = COALESCE($3, status),
           assistant_enabled = COALESCE($4, assistant_enabled),
           assigned_staff_id = COALESCE($5, assigned_staff_id, $7),
           title = COALESCE(title, $6),
           updated_at = now()
         WHERE id = $1 AND ($8::boolean IS NOT TRUE OR assistant_enabled)
         RETURNING ${STATE_COLUMNS}`,
        [
          sessionId,
          messages.length,
          patch.status ?? null,
          patch.assistantEnabled ?? null,
          patch.assignedStaffId ?? null,
          patch.titleIfUnset ?? null,
          patch.assignIfUnassigned ?? null,
          patch.onlyWhileAssistantEnabled ?? false,
        ],
      );
      const session = rows[0];
      if (!session) return null;
      const first = session.lastSequence - messages.length + 1;
      const stored = await this.insertMessages(m, sessionId, first, messages);
      if (usage) await this.addUsage(m, usage);
      return { session, messages: stored };
    });
  }

  /**
   * Messages after the cursor, oldest first: an index range scan on (session_id, sequence).
   * On the polling path: on the pg pool directly.
   */
  async messagesAfter(sessionId: string, after: number, limit: number): Promise<ChatMessageRow[]> {
    const { rows } = await pgPool(this.db).query<ChatMessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages
        WHERE session_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3`,
      [sessionId, after, limit],
    );
    return rows;
  }

  /** The newest conversational turns before `beforeSequence`, oldest first (LLM context). */
  async recentTurns(
    sessionId: string,
    beforeSequence: number,
    limit: number,
  ): Promise<Pick<ChatMessageRow, 'role' | 'content'>[]> {
    if (limit === 0) return [];
    const rows = await this.db.query<Pick<ChatMessageRow, 'role' | 'content'>[]>(
      `SELECT role, content FROM chat_messages
        WHERE session_id = $1 AND sequence < $2 AND role IN ('user', 'assistant', 'staff')
        ORDER BY sequence DESC LIMIT $3`,
      [sessionId, beforeSequence, limit],
    );
    return rows.reverse();
  }

  async listSessions(
    status: ChatSessionStatus | undefined,
    limit: number,
    offset: number,
  ): Promise<{ items: ChatSessionRow[]; total: number }> {
    const where = status ? 'WHERE s.status = $1' : 'WHERE $1::text IS NULL';
    const items = await this.db.query<ChatSessionRow[]>(
      `SELECT ${SESSION_COLUMNS} FROM chat_sessions s LEFT JOIN users u ON u.id = s.user_id
        ${where} ORDER BY s.last_message_at DESC NULLS LAST, s.id LIMIT $2 OFFSET $3`,
      [status ?? null, limit, offset],
    );
    const [{ total }] = await this.db.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM chat_sessions s ${where}`,
      [status ?? null],
    );
    return { items, total };
  }

  async findSession(sessionId: string): Promise<ChatSessionRow | null> {
    const rows = await this.db.query<ChatSessionRow[]>(
      `SELECT ${SESSION_COLUMNS} FROM chat_sessions s LEFT JOIN users u ON u.id = s.user_id
        WHERE s.id = $1`,
      [sessionId],
    );
    return rows[0] ?? null;
  }

  /**
   * Stores the visitor's rating if the session is resolved and not rated yet (one statement:
   * a concurrent second rating or a reopening message cannot slip in). Null otherwise.
   */
  async rate(
    sessionId: string,
    rating: number,
    comment: string | null,
  ): Promise<{
    sessionId: string;
    rating: number;
    ratingComment: string | null;
    ratedAt: Date;
  } | null> {
    const [rows] = await this.db.query<
      [{ sessionId: string; rating: number; ratingComment: string | null; ratedAt: Date }[], number]
    >(
      `UPDATE chat_sessions SET rating = $2, rating_comment = $3, rated_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'resolved' AND rating IS NULL
        RETURNING id AS "sessionId", rating, rating_comment AS "ratingComment", rated_at AS "ratedAt"`,
      [sessionId, rating, comment],
    );
    return rows[0] ?? null;
  }

  /**
   * Average rating and count per ISO week (Monday 00:00 UTC), the `weeks` newest ones, oldest
   * first, weeks without ratings included (average null).
   */
  ratingsByWeek(
    weeks: number,
  ): Promise<{ week: string; weekStart: string; average: number | null; count: number }[]> {
    return this.db.query(
      `SELECT to_char(w, 'IYYY-"W"IW') AS week, to_char(w, 'YYYY-MM-DD') AS "weekStart",
              avg(s.rating)::float AS average, count(s.rating)::int AS count
         FROM generate_series(
                date_trunc('week', now() AT TIME ZONE 'UTC') - make_interval(weeks => $1 - 1),
                date_trunc('week', now() AT TIME ZONE 'UTC'), interval '1 week') AS w
         LEFT JOIN chat_sessions s
           ON s.rated_at >= w AT TIME ZONE 'UTC' AND s.rated_at < (w + interval '1 week') AT TIME ZONE 'UTC'
        GROUP BY w ORDER BY w`,
      [weeks],
    );
  }

  /** How many sessions are open (waiting for or talking with staff), and how many of them nobody has. */
  async openCounts(): Promise<{ open: number; unassigned: number }> {
    const [counts] = await this.db.query<{ open: number; unassigned: number }[]>(
      `SELECT count(*)::int AS open, count(*) FILTER (WHERE assigned_staff_id IS NULL)::int AS unassigned
         FROM chat_sessions WHERE status = 'open'`,
    );
    return counts;
  }

  /** The open sessions that have waited longest since their last message, first. */
  longestWaitingOpen(
    limit: number,
  ): Promise<{ id: string; title: string | null; lastMessageAt: Date | null }[]> {
    return this.db.query(
      `SELECT id, title, last_message_at AS "lastMessageAt" FROM chat_sessions WHERE status = 'open'
        ORDER BY last_message_at ASC NULLS FIRST LIMIT $1`,
      [limit],
    );
  }

  private async insertMessages(
    m: EntityManager,
    sessionId: string,
    firstSequence: number,
    messages: NewChatMessage[],
  ): Promise<ChatMessageRow[]> {
    if (messages.length === 0) return [];
    const params: unknown[] = [sessionId];
    const values = messages.map((msg, i) => {
      params.push(firstSequence + i, msg.role, msg.senderName, msg.content, msg.tokensUsed ?? null);
      const p = params.length;
      return `($1, $${p - 4}, $${p - 3}, $${p - 2}, $${p - 1}, $${p})`;
    });
    return m.query<ChatMessageRow[]>(
      `INSERT INTO chat_messages (session_id, sequence, role, sender_name, content, tokens_used)
       VALUES ${values.join(', ')} RETURNING ${MESSAGE_COLUMNS}`,
      params,
    );
  }

  private async addUsage(m: EntityManager, u: ChatUsageDelta): Promise<void> {
    await m.query(
      `INSERT INTO user_usage_stats (user_id, day, messages_sent, assistant_replies, tokens_used)
       VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2, $3, $4)
       ON CONFLICT (user_id, day) DO UPDATE SET
         messages_sent = user_usage_stats.messages_sent + EXCLUDED.messages_sent,
         assistant_replies = user_usage_stats.assistant_replies + EXCLUDED.assistant_replies,
         tokens_used = user_usage_stats.tokens_used + EXCLUDED.tokens_used`,
      [u.userId, u.messagesSent, u.assistantReplies, u.tokensUsed],
    );
  }
}
