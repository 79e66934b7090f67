import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The app's connection pool, seen from outside (metrics): counts only, no query access. */
@Injectable()
export class DatabasePoolStats {
  constructor(private readonly dataSource: DataSource) {}

  /** Connections by state; null while the driver has no pool yet. */
  current(): PoolStats | null {
    return (this.dataSource.driver as unknown as { master?: PoolStats }).master ?? null;
  }
}
