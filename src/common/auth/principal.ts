import type { Request } from 'express';
import type { UserRole } from './roles';

/** What the GPT key guard keeps in memory about a key: never the key or its hash. */
export interface AuthenticatedGptKey {
  id: string;
  name: string;
  displayPrefix: string;
  rateLimitPerHour: number;
  expiresAt: Date | null;
}

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  sessionId: string;
}

/** A person signed in through an assistant with an OAuth 2.1 access token issued by Passerelle. */
export interface OAuthGrantHolder {
  user: Omit<AuthenticatedUser, 'sessionId'>;
  clientId: string;
  clientName: string;
  /** The scopes the token carries (space-separated in the token). */
  scopes: string[];
  grantId: string;
  expiresAt: Date;
}

export type Principal =
  | { kind: 'gpt-key'; key: AuthenticatedGptKey }
  | { kind: 'user'; user: AuthenticatedUser }
  | ({ kind: 'oauth' } & OAuthGrantHolder);

/** Who calls an assistant action: a GPT key, or a person signed in with OAuth. */
export type AssistantCaller = Extract<Principal, { kind: 'gpt-key' } | { kind: 'oauth' }>;

export interface AppRequest extends Request {
  id: string;
  principal?: Principal;
}
