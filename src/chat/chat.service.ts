import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception';
import type { Language } from '../common/http/language';
import { MetricsService } from '../metrics/metrics.service';
import { cleanChatText, truncateText } from './chat-text';
import { ChatAccessService, ChatCaller, ChatCredentials } from './chat-access.service';
import {
  AssistantReply,
  AssistantUnavailableError,
  ChatAssistantService,
} from './chat-assistant.service';
import { ChatEvents } from './chat-events';
import { ASSISTANT_NAME, asksForHuman, FALLBACK_NOTICE, HANDOFF_NOTICE } from './chat-messages';
import { ChatRateLimiter } from './chat-rate-limiter';
import {
  ChatMessageRow,
  ChatRepository,
  ChatSessionPatch,
  ChatSessionState,
  NewChatMessage,
} from './chat.repository';
import { ChatSettingsService } from './chat-settings.service';
import { SupportWebhook, type SupportOpenReason } from './support-webhook';
import { CHAT_RULES } from './chat.rules';
import type { ChatHistoryQueryDto, RateChatSessionDto, SendChatMessageDto } from './dto/chat.dto';
import type {
  ChatRatingResponseDto,
  ChatHistoryResponseDto,
  CreateChatSessionResponseDto,
  SendChatMessageResponseDto,
} from './dto/chat-response.dto';

/** History answers at most this many messages; the client asks again from the last one. */
const HISTORY_PAGE = CHAT_RULES.historyPage;

/** When the settings' welcome cleans down to nothing. */
const DEFAULT_WELCOME: Record<Language, string> = {
  fr: 'Bonjour ! Comment pouvons-nous vous aider ?',
  en: 'Hello! How can we help you?',
};

/**
 * The visitor's side of the support chat. Every method checks, in this order: the per-IP limit,
 * the caller's access to the session (404 otherwise), the per-session (or per-user) limit.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly access: ChatAccessService,
    private readonly limiter: ChatRateLimiter,
    private readonly repo: ChatRepository,
    private readonly settings: ChatSettingsService,
    private readonly assistant: ChatAssistantService,
    private readonly events: ChatEvents,
    private readonly metrics: MetricsService,
    private readonly webhook: SupportWebhook,
  ) {}

  async createSession(
    credentials: ChatCredentials,
    lang: Language,
  ): Promise<CreateChatSessionResponseDto> {
    await this.limiter.perIp('create', credentials.ip);
    const caller = await this.access.caller(credentials);
    const settings = await this.settings.current();
    const visitor = caller.user ? null : this.access.newVisitorToken();
    const { session, messages } = await this.repo.createSession(
      { userId: caller.user?.id ?? null, visitorTokenHash: visitor?.hash ?? null },
      [
        {
          role: 'assistant',
          senderName: ASSISTANT_NAME,
          content: cleanChatText(this.settings.welcome(settings, lang)) || DEFAULT_WELCOME[lang],
        },
      ],
    );
    this.metrics.chatMessage('assistant');
    return { ...state(session), sessionToken: visitor?.token ?? null, lang, messages };
  }

  async sendMessage(
    credentials: ChatCredentials,
    dto: SendChatMessageDto,
  ): Promise<SendChatMessageResponseDto> {
    const { caller, session } = await this.enter('message', credentials, dto.sessionId);
    const content = dto.message; // cleaned and checked by SendChatMessageDto
    const settings = await this.settings.current();

    const handoff = asksForHuman(content, settings.handoffKeywords);
    const patch: ChatSessionPatch = {
      titleIfUnset: truncateText(content.replace(/\s+/g, ' '), 80),
    };
    let status = session.status;
    if (handoff) {
      status = patch.status = 'open';
      patch.assistantEnabled = false;
    } else if (
      session.status === 'resolved' ||
      (session.status === 'pending' && !settings.autoReplyEnabled)
    ) {
      status = patch.status =
        session.assistantEnabled && settings.autoReplyEnabled ? 'pending' : 'open';
    }
    const userMessage: NewChatMessage = {
      role: 'user',
      senderName: caller.user?.name ?? null,
      content,
    };
    const userId = session.userId;
    const usage = (messagesSent: number, reply?: AssistantReply) =>
      userId
        ? {
            userId,
            messagesSent,
            assistantReplies: reply ? 1 : 0,
            tokensUsed: reply?.tokensUsed ?? 0,
          }
        : undefined;

    if (handoff) {
      const notice: NewChatMessage = { role: 'system', senderName: null, content: HANDOFF_NOTICE };
      const stored = await this.store(session.id, [userMessage, notice], patch, usage(1));
      if (session.status !== 'open') this.waitsForStaff(session.id, 'handoff');
      return this.answer(stored);
    }
    if (status !== 'pending' || !session.assistantEnabled || !settings.autoReplyEnabled) {
      return this.answer(await this.store(session.id, [userMessage], patch, usage(1)));
    }

    const key = await this.assistant.usableKey(settings);
    if (!key) {
      // The mock answers at once: one transaction for the question and its reply.
      const reply = await this.assistant.mock(content, session);
      const assistantMessage = this.assistantMessage(reply);
      return this.answer(
        await this.store(session.id, [userMessage, assistantMessage], patch, usage(1, reply)),
      );
    }

    // A real provider: store the question first (nothing the user wrote is lost), then call.
    const asked = await this.store(session.id, [userMessage], patch, usage(1));
    const question = asked.messages[0];
    try {
      const reply = await this.assistant.reply(settings, key, session, question);
      const answered = await this.repo.append(
        session.id,
        [this.assistantMessage(reply)],
        { onlyWhileAssistantEnabled: true },
        usage(0, reply),
      );
      if (!answered) {
        // Staff took the session over while the provider answered: their word stands.
        const now = await this.repo.findSession(session.id);
        if (!now) throw DomainException.notFound('Chat session');
        return { ...state(now), message: question, reply: null };
      }
      this.published(answered);
      return { ...state(answered.session), message: question, reply: answered.messages[0] };
    } catch (err) {
      if (!(err instanceof AssistantUnavailableError)) throw err;
      const notice: NewChatMessage = { role: 'system', senderName: null, content: FALLBACK_NOTICE };
      const failed = await this.store(session.id, [notice], { status: 'open' });
      this.waitsForStaff(session.id, 'provider-failure');
      return { ...state(failed.session), message: question, reply: failed.messages[0] };
    }
  }

  /** Tells staff, after the answer, that the conversation now waits for them. */
  private waitsForStaff(sessionId: string, reason: SupportOpenReason): void {
    this.webhook.notify({ sessionId, reason, title: null });
  }

  async history(
    credentials: ChatCredentials,
    query: ChatHistoryQueryDto,
  ): Promise<ChatHistoryResponseDto> {
    const { session } = await this.enter('read', credentials, query.sessionId);
    const after = query.after ?? 0;
    // Most polls find nothing new: the session row already says so, no second query.
    const messages =
      session.lastSequence > after
        ? await this.repo.messagesAfter(session.id, after, HISTORY_PAGE)
        : [];
    return {
      ...state(session),
      lastSequence: session.lastSequence,
      rating: session.rating,
      messages,
    };
  }

  /**
   * The visitor's satisfaction with a resolved conversation, once: 409 CHAT_NOT_RESOLVED
   * while it is not resolved, 409 CHAT_ALREADY_RATED the second time (even if it was reopened
   * and resolved again since), 404 for someone else's session.
   */
  async rate(
    credentials: ChatCredentials,
    sessionId: string,
    dto: RateChatSessionDto,
  ): Promise<ChatRatingResponseDto> {
    const { session } = await this.enter('message', credentials, sessionId);
    const rated = await this.repo.rate(session.id, dto.rating, dto.comment || null);
    if (rated) return rated;
    const now = await this.repo.findSession(session.id);
    if (!now) throw DomainException.notFound('Chat session');
    if (now.rating !== null) {
      throw new DomainException('CHAT_ALREADY_RATED', 'This conversation has already been rated');
    }
    throw new DomainException(
      'CHAT_NOT_RESOLVED',
      'Only a resolved conversation can be rated: staff have not resolved this one',
    );
  }

  /** Checks and limits an SSE connect; the stream itself is ChatStreamService's. */
  async openStream(credentials: ChatCredentials, sessionId: string): Promise<ChatSessionState> {
    return (await this.enter('read', credentials, sessionId)).session;
  }

  private async enter(
    kind: 'message' | 'read',
    credentials: ChatCredentials,
    sessionId: string,
  ): Promise<{ caller: ChatCaller; session: ChatSessionState }> {
    await this.limiter.perIp(kind, credentials.ip);
    const caller = await this.access.caller(credentials);
    const session = await this.access.session(caller, sessionId);
    await this.limiter.perSubject(
      kind,
      session.userId ? `user:${session.userId}` : `session:${session.id}`,
    );
    return { caller, session };
  }

  private assistantMessage(reply: AssistantReply): NewChatMessage {
    return {
      role: 'assistant',
      senderName: ASSISTANT_NAME,
      content: reply.text,
      tokensUsed: reply.tokensUsed,
    };
  }

  private async store(...args: Parameters<ChatRepository['append']>) {
    const stored = await this.repo.append(...args);
    // Deleted between the access check and the write.
    if (!stored) throw DomainException.notFound('Chat session');
    this.published(stored);
    return stored;
  }

  /** Wakes the session's streams (every instance) and counts the messages for /metrics. */
  private published(stored: { session: ChatSessionState; messages: ChatMessageRow[] }) {
    this.events.publish(stored.session.id, stored.session.lastSequence);
    for (const m of stored.messages) this.metrics.chatMessage(m.role);
  }

  private answer(stored: { session: ChatSessionState; messages: ChatMessageRow[] }) {
    const [message, reply] = stored.messages;
    return { ...state(stored.session), message, reply: reply ?? null };
  }
}

const state = (s: ChatSessionState) => ({
  sessionId: s.id,
  status: s.status,
  assistantEnabled: s.assistantEnabled,
});
