import type { Request } from 'express';
import type { UserRole } from '../../users/entities/user.entity';

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

export type Principal =
  { kind: 'gpt-key'; key: AuthenticatedGptKey } | { kind: 'user'; user: AuthenticatedUser };

export interface AppRequest extends Request {
  id: string;
  principal?: Principal;
}
