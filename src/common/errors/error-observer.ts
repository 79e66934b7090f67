import type { AppRequest } from '../auth/principal';
import type { ErrorCode } from './error-code';

/** What the error filter tells observers about an error it answered. */
export interface ObservedError {
  exception: unknown;
  status: number;
  code: ErrorCode;
  requestId: string;
  method: string;
  /** The route template (`/api/gpt/devis/:id`), never the path with its ids. */
  route: string;
  request: AppRequest;
}

/** Something that wants to know about answered errors (metrics, error reporting). */
export interface ErrorObserver {
  observe(error: ObservedError): void;
}

/**
 * The observers the error filter calls, listed by the app's composition
 * (`CommonModule.forRoot({ errorObservers })` in src/app.module.ts): common/ defines the
 * contract and imports no feature.
 */
export const ERROR_OBSERVERS = Symbol('ERROR_OBSERVERS');
