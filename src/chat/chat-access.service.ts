import { Injectable } from '@nestjs/common';
import { AuthService, SESSION_TOKEN_PREFIX } from '../auth/auth.service';
import type { AuthenticatedUser } from '../common/auth/principal';
import { randomAlphanumeric, sha256Hex } from '../common/crypto';
import { DomainException } from '../common/errors/domain.exception';
import { ChatRepository, ChatSessionState } from './chat.repository';

export const CHAT_TOKEN_PREFIX = 'chat_';
const CHAT_TOKEN_PATTERN = /^[\x21-\x7e]{1,512}$/;

/** What a chat request carries, read from the HTTP request by the `@ChatClient()` decorator. */
export interface ChatCredentials {
  ip: string;
  /** `Authorization: Bearer …`: a user session token (pas_…) or a visitor chat token. */
  bearer: { present: boolean; token: string | null };
  /** `X-Chat-Token`: a visitor chat token (for clients that keep Authorization for a login). */
  chatToken: string | undefined;
}

/** Who is calling: a logged-in user, an anonymous visitor holding a chat token, or neither. */
export interface ChatCaller {
  ip: string;
  user: AuthenticatedUser | null;
  visitorTokenHash: string | null;
}

/**
 * The chat routes' access policy, which the global AccessGuard cannot express (it knows one
 * credential per policy): the routes are `@Public()` and every service method starts here.
 * A session is readable and writable by its user (pas_ session token) or by the holder of
 * its visitor token; anyone else gets 404, as if it did not exist.
 */
@Injectable()
export class ChatAccessService {
  constructor(
    private readonly auth: AuthService,
    private readonly repo: ChatRepository,
  ) {}

  async caller(credentials: ChatCredentials): Promise<ChatCaller> {
    const { bearer, chatToken, ip } = credentials;
    let user: AuthenticatedUser | null = null;
    let visitorToken: string | null = null;
    if (bearer.present) {
      if (!bearer.token) {
        throw new DomainException('SESSION_INVALID', 'Malformed Authorization header');
      }
      if (bearer.token.startsWith(SESSION_TOKEN_PREFIX)) {
        user = await this.auth.authenticate(bearer.token); // 401 if expired or revoked
      } else {
        visitorToken = bearer.token;
      }
    }
    if (chatToken !== undefined) {
      if (!CHAT_TOKEN_PATTERN.test(chatToken)) {
        throw new DomainException('SESSION_INVALID', 'Malformed X-Chat-Token header');
      }
      visitorToken ??= chatToken;
    }
    return { ip, user, visitorTokenHash: visitorToken ? sha256Hex(visitorToken) : null };
  }

  /** The caller's session, or 401 without any credential, or 404. */
  async session(caller: ChatCaller, sessionId: string): Promise<ChatSessionState> {
    if (!caller.user && !caller.visitorTokenHash) {
      throw new DomainException(
        'AUTH_REQUIRED',
        'Send the session token as Authorization: Bearer <token> or X-Chat-Token',
      );
    }
    const session = await this.repo.findOwned(sessionId, {
      userId: caller.user?.id ?? null,
      visitorTokenHash: caller.visitorTokenHash,
    });
    if (!session) throw DomainException.notFound('Chat session');
    return session;
  }

  /** A new visitor token (about 256 bits from the CSPRNG) and the hash that is stored. */
  newVisitorToken(): { token: string; hash: string } {
    const token = CHAT_TOKEN_PREFIX + randomAlphanumeric(43);
    return { token, hash: sha256Hex(token) };
  }
}
