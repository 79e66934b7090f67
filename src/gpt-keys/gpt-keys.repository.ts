import { Injectable } from '@nestjs/common';
import { escapeLike } from '../common/text';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { GptApiKeyEntity } from './entities/gpt-api-key.entity';

export interface UsageDelta {
  keyId: string;
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

  /** Adds batched usage in one statement; never moves last_used_at backwards. */
  async addUsage(deltas: UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.repo.query(
      `UPDATE gpt_api_keys AS k
          SET usage_count = k.usage_count + u.n,
              last_used_at = GREATEST(k.last_used_at, u.t)
         FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[]) AS u(id, n, t)
        WHERE k.id = u.id`,
      [
        deltas.map((d) => d.keyId),
        deltas.map((d) => d.count),
        deltas.map((d) => d.lastUsedAt.toISOString()),
      ],
    );
  }
}
