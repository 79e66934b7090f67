import { Injectable } from '@nestjs/common';
import { escapeLike } from '../common/text';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { GptApiKeyEntity } from './entities/gpt-api-key.entity';

export interface UsageDelta {
  keyId: string;
  /** UTC day (YYYY-MM-DD) the requests were made on. */
  day: string;
  count: number;
  lastUsedAt: Date;
}

/** The only place that queries `gpt_api_keys`. */
@Injectable()
export class GptKeysRepository {
  constructor(
    @InjectRepository(GptApiKeyEntity) private readonly repo: Repository<GptApiKeyEntity>,
  ) {}

  findByHash(hash: string): Promise<GptApiKeyEntity | null> {
    return this.repo.findOne({ where: { keyHash: hash } });
  }

  findById(id: string): Promise<GptApiKeyEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** Keys whose display prefix starts with `fragment` or is a prefix of it. */
  findByPrefixFragment(fragment: string): Promise<GptApiKeyEntity[]> {
    return this.repo
      .createQueryBuilder('k')
      .where('k.displayPrefix LIKE :start', { start: `${escapeLike(fragment)}%` })
      .orWhere(":fragment LIKE k.displayPrefix || '%'", { fragment })
      .orderBy('k.createdAt', 'ASC')
      .getMany();
  }

  list(): Promise<GptApiKeyEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  async insert(key: Partial<GptApiKeyEntity>, manager?: EntityManager): Promise<GptApiKeyEntity> {
    const repo = manager ? manager.getRepository(GptApiKeyEntity) : this.repo;
    const entity = repo.create(key);
    await repo.insert(entity);
    return await repo.findOneOrFail({ where: { id: entity.id } });
  }

  async update(
    id: string,
    patch: Partial<GptApiKeyEntity>,
    manager?: EntityManager,
  ): Promise<void> {
    const repo = manager ? manager.getRepository(GptApiKeyEntity) : this.repo;
    await repo.update({ id }, patch);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }

  /** Requests per key and day since `sinceDay` (YYYY-MM-DD), labelled "name (prefix…)". */
  dailyUsageByKey(sinceDay: string): Promise<{ label: string; day: string; n: string }[]> {
    return this.repo.query(
      `SELECT k.name || ' (' || k.display_prefix || '…)' AS label,
              to_char(d.day, 'YYYY-MM-DD') AS day, d.request_count AS n
         FROM gpt_key_usage_daily d JOIN gpt_api_keys k ON k.id = d.key_id
        WHERE d.day >= $1::date`,
      [sinceDay],
    );
  }

  /**
   * Adds batched request counts: the key's total and last use (never moved backwards), and its
   * count per day, in one transaction. Counts of a key deleted meanwhile are dropped.
   */
  async addUsage(deltas: UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const params = [
      deltas.map((d) => d.keyId),
      deltas.map((d) => d.day),
      deltas.map((d) => d.count),
      deltas.map((d) => d.lastUsedAt.toISOString()),
    ];
    const rows = `unnest($1::uuid[], $2::date[], $3::bigint[], $4::timestamptz[]) AS u(id, day, n, t)`;
    await this.repo.manager.transaction(async (m) => {
      await m.query(
        `UPDATE gpt_api_keys AS k
            SET usage_count = k.usage_count + u.n,
                last_used_at = GREATEST(k.last_used_at, u.t)
           FROM (SELECT id, sum(n) AS n, max(t) AS t FROM ${rows} GROUP BY id) AS u
          WHERE k.id = u.id`,
        params,
      );
      await m.query(
        `INSERT INTO gpt_key_usage_daily (key_id, day, request_count)
         SELECT u.id, u.day, u.n FROM ${rows} JOIN gpt_api_keys k ON k.id = u.id
         ON CONFLICT (key_id, day)
         DO UPDATE SET request_count = gpt_key_usage_daily.request_count + EXCLUDED.request_count`,
        params,
      );
    });
  }
}
