import { CommandRunner } from 'nest-commander';
import { DomainException } from '../common/errors/domain.exception';

/**
 * A mistake in the command line itself (a missing option, a refused confirmation) that no DTO
 * judges: reported on one line, exit code 1, nothing changed.
 */
export class CliError extends Error {}

/**
 * Base of every command: errors become one line on stderr and a non-zero exit code.
 * Commands check all input (through the DTO, with `validateInput`) before changing anything.
 */
export abstract class CliCommand extends CommandRunner {
  async run(params: string[], options: Record<string, unknown> = {}): Promise<void> {
    try {
      await this.execute(params, options);
    } catch (err) {
      process.stderr.write(`error: ${errorLine(err)}\n`);
      process.exitCode = 1;
    }
  }

  protected abstract execute(params: string[], options: Record<string, unknown>): Promise<void>;

  protected print(line = ''): void {
    process.stdout.write(line + '\n');
  }
}

/**
 * What every command prints for an error, on one line: a DomainException's message (the one the
 * HTTP API answers), then the problem of each field it names, e.g.
 * `Validation failed: rateLimitPerHour (rateLimitPerHour must not be less than 1)`.
 */
export function errorLine(err: unknown): string {
  if (err instanceof DomainException) {
    const problems = (err.details ?? [])
      .flatMap((d) => d.messages)
      .filter((m) => m !== err.message);
    return problems.length ? `${err.message} (${problems.join('; ')})` : err.message;
  }
  if (err instanceof CliError) return err.message;
  return `unexpected failure: ${(err as Error).message}`;
}

/**
 * A number typed on the command line, as the number it reads as; anything else stays the text
 * typed, which the DTO then refuses exactly as it would in a request body.
 */
export function numberInput(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

/**
 * `--expires`: `never` → null (no expiry); `YYYY-MM-DD` → the end of that day (UTC); anything
 * else (an ISO timestamp) as typed, for the DTO to judge like a request body's `expiresAt`.
 */
export function expiryInput(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v.toLowerCase() === 'never') return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  // The CLI's own shorthand: JavaScript would read 2027-02-30 as 2 March, so check the day.
  const endOfDay = new Date(`${v}T23:59:59.999Z`);
  if (Number.isNaN(endOfDay.getTime()) || endOfDay.toISOString().slice(0, 10) !== v) {
    throw new CliError(`--expires is not a real calendar date (got "${value}")`);
  }
  return endOfDay.toISOString();
}
