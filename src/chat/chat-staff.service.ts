import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception';
import { MetricsService } from '../metrics/metrics.service';
import { UsersService } from '../users/users.service';
import { ChatEvents } from './chat-events';
import { RESOLVED_NOTICE } from './chat-messages';
import {
  ChatMessageRow,
  ChatRepository,
  ChatSessionPatch,
  NewChatMessage,
} from './chat.repository';
import { CHAT_RULES } from './chat.rules';
import type {
  AssignChatSessionDto,
  ChatSessionDetailDto,
  ChatSessionListDto,
  ChatSessionSummaryDto,
  StaffReplyDto,
} from './dto/chat-staff.dto';
import type { ChatSessionStatus } from './entities/chat-session.entity';

/** The staff member acting: any object with the user's id and display name will do. */
export interface ChatStaffActor {
  id: string;
  name: string;
}

/** The back-office dashboard's chat panel: open sessions, and those waiting longest. */
export interface OpenChatsSummary {
  open: number;
  unassigned: number;
  waiting: { id: string; title: string | null; lastMessageAt: string | null }[];
}

/** The dashboard's satisfaction figure: one ISO week (Monday, UTC) of visitors' ratings. */
export interface WeeklyRating {
  /** ISO 8601 week, e.g. `2025-W50`. */
  week: string;
  /** Its Monday, `YYYY-MM-DD`. */
  weekStart: string;
  /** Mean of the week's ratings (1–5, two decimals); null: no rating that week. */
  average: number | null;
  count: number;
}

/** Messages returned with one session (the newest are what staff need; older stay in history). */
const DETAIL_MESSAGES = CHAT_RULES.staffDetailMessages;

/**
 * What staff (role staff or admin) do with chat sessions, for the REST API and the AdminJS
 * back-office alike. Role checks are the caller's job (`@Auth('staff')`, AdminJS's own
 * access rules); session ids arrive checked (`@UuidParam`, or a record's own id) and an
 * unknown one answers 404. Input arrives as validated DTOs (`validateInput` outside HTTP).
 * Writes are announced to SSE streams like the visitor's own messages.
 */
@Injectable()
export class ChatStaffService {
  constructor(
    private readonly repo: ChatRepository,
    private readonly users: UsersService,
    private readonly events: ChatEvents,
    private readonly metrics: MetricsService,
  ) {}

  /** Sessions by status (all when omitted), most recently active first. */
  list(
    status?: ChatSessionStatus,
    limit: number = CHAT_RULES.sessionList.default,
    offset = 0,
  ): Promise<ChatSessionListDto> {
    return this.repo.listSessions(status, limit, offset);
  }

  /** Open sessions, unassigned ones, and the `limit` open ones waiting longest (oldest first). */
  async openChatsSummary(limit: number): Promise<OpenChatsSummary> {
    const [counts, waiting] = await Promise.all([
      this.repo.openCounts(),
      this.repo.longestWaitingOpen(limit),
    ]);
    return {
      ...counts,
      waiting: waiting.map((w) => ({
        id: w.id,
        title: w.title,
        lastMessageAt: w.lastMessageAt ? new Date(w.lastMessageAt).toISOString() : null,
      })),
    };
  }

  /** Average satisfaction of the last `weeks` ISO weeks (this one included), oldest first. */
  async ratingsByWeek(weeks: number = CHAT_RULES.ratingWeeks): Promise<WeeklyRating[]> {
    const rows = await this.repo.ratingsByWeek(weeks);
    return rows.map((r) => ({
      ...r,
      average: r.average === null ? null : Math.round(r.average * 100) / 100,
    }));
  }

  /** One session with its messages, oldest first. */
  async get(sessionId: string): Promise<ChatSessionDetailDto> {
    const session = await this.find(sessionId);
    const after = Math.max(0, session.lastSequence - DETAIL_MESSAGES);
    const messages = await this.repo.messagesAfter(session.id, after, DETAIL_MESSAGES);
    return { ...session, messages };
  }

  /**
   * Posts a staff message (role `staff`, signed with the actor's name). It turns the
   * assistant off for the session, moves it to `open` and assigns it to the actor if nobody
   * has it yet. The text is cleaned and checked by StaffReplyDto.
   */
  async reply(
    actor: ChatStaffActor,
    sessionId: string,
    dto: StaffReplyDto,
  ): Promise<ChatMessageRow> {
    const [message] = await this.write(
      sessionId,
      [{ role: 'staff', senderName: actor.name, content: dto.message }],
      { status: 'open', assistantEnabled: false, assignIfUnassigned: actor.id },
    );
    return message;
  }

  /**
   * Assigns the session to a staff or admin user (the actor when `staffId` is omitted);
   * a pending session moves to `open`, so the assistant stops answering it.
   */
  async assign(
    actor: ChatStaffActor,
    sessionId: string,
    dto: AssignChatSessionDto = {},
  ): Promise<ChatSessionSummaryDto> {
    const session = await this.find(sessionId);
    const staff = await this.users.findById(dto.staffId ?? actor.id);
    if (!staff?.isActive || (staff.role !== 'staff' && staff.role !== 'admin')) {
      throw DomainException.notFound('Active staff user');
    }
    await this.write(session.id, [], {
      assignedStaffId: staff.id,
      ...(session.status === 'pending' ? { status: 'open' as const } : {}),
    });
    return this.find(session.id);
  }

  /** Marks the session resolved and tells the visitor so; a new visitor message reopens it. */
  async resolve(_actor: ChatStaffActor, sessionId: string): Promise<ChatSessionSummaryDto> {
    await this.write(sessionId, [{ role: 'system', senderName: null, content: RESOLVED_NOTICE }], {
      status: 'resolved',
    });
    return this.find(sessionId);
  }

  private async find(sessionId: string) {
    const session = await this.repo.findSession(sessionId);
    if (!session) throw DomainException.notFound('Chat session');
    return session;
  }

  private async write(
    sessionId: string,
    messages: NewChatMessage[],
    patch: ChatSessionPatch,
  ): Promise<ChatMessageRow[]> {
    const stored = await this.repo.append(sessionId, messages, patch);
    if (!stored) throw DomainException.notFound('Chat session');
    if (messages.length > 0) this.events.publish(sessionId, stored.session.lastSequence);
    for (const m of stored.messages) this.metrics.chatMessage(m.role);
    return stored.messages;
  }
}
