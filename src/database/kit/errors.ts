import { QueryFailedError } from 'typeorm';

/**
 * True when a write failed on a unique constraint (PostgreSQL 23505): services turn it into a
 * CONFLICT or an idempotent answer without importing the ORM themselves.
 */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err as { code?: string }).code === '23505';
}
