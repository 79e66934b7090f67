import { CommandRunner } from 'nest-commander';
import { DomainException } from '../common/errors/domain.exception';

/** A bad argument: reported on one line, exit code 1, nothing changed. */
export class CliError extends Error {}

/**
 * Base of every command: errors become one line on stderr and a non-zero exit code.
 * Commands validate all arguments before changing anything.
 */
export abstract class CliCommand extends CommandRunner {
  async run(params: string[], options: Record<string, unknown> = {}): Promise<void> {
    try {
      await this.execute(params, options);
    } catch (err) {
      const known = err instanceof CliError || err instanceof DomainException;
      process.stderr.write(
        `error: ${known ? (err as Error).message : `unexpected failure: ${(err as Error).message}`}\n`,
      );
      process.exitCode = 1;
    }
  }

  protected abstract execute(params: string[], options: Record<string, unknown>): Promise<void>;

  protected print(line = ''): void {
    process.stdout.write(line + '\n');
  }
}

/** A whole number from 1 to max, else a CliError naming the argument. */
export function parsePositiveInt(value: string, what: string, max = 1_000_000): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > max) {
    throw new CliError(`${what} must be a whole number from 1 to ${max} (got "${value}")`);
  }
  return Number(value);
}

/** `never` → null; `YYYY-MM-DD` (end of that day, UTC) or an ISO timestamp → Date. */
export function parseExpiry(value: string): Date | null {
  const v = value.trim();
  if (v.toLowerCase() === 'never') return null;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const date = new Date(dateOnly ? `${v}T23:59:59.999Z` : v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(date.getTime())) {
    throw new CliError(
      `--expires must be a date like 2027-06-30, an ISO timestamp, or "never" (got "${value}")`,
    );
  }
  if (dateOnly && date.toISOString().slice(0, 10) !== v) {
    throw new CliError(`--expires is not a real calendar date (got "${value}")`);
  }
  return date;
}
