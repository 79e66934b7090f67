import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { MigrationsService } from '../database/migrations.service';

const TIMEOUT_MS = 1_500;

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly migrations: MigrationsService,
  ) {}

  /** Up when the database answers within 1.5 s and every migration is applied. */
  async check(key: string) {
    const indicator = this.indicators.check(key);
    try {
      const pending = await withTimeout(this.migrations.pending(), TIMEOUT_MS);
      if (pending.length > 0) {
        return indicator.down({ message: `pending migrations: ${pending.join(', ')}` });
      }
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: `unreachable: ${(err as Error).message}` });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
