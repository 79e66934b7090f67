import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { LlmApiKeyEntity, LlmProvider } from './entities/llm-api-key.entity';

export type LlmKeyWrite = QueryDeepPartialEntity<LlmApiKeyEntity>;

/** The only place that queries `llm_api_keys`. */
@Injectable()
export class LlmKeysRepository {
  constructor(
    @InjectRepository(LlmApiKeyEntity) private readonly repo: Repository<LlmApiKeyEntity>,
  ) {}

  find(id: string, ownerId?: string): Promise<LlmApiKeyEntity | null> {
    return this.repo.findOne({ where: ownerId ? { id, userId: ownerId } : { id } });
  }

  /** An active key of a provider, by id (the support chat's admin-chosen key). */
  findActive(id: string, provider: LlmProvider): Promise<LlmApiKeyEntity | null> {
    return this.repo.findOneBy({ id, isActive: true, provider });
  }

  list(ownerId?: string): Promise<LlmApiKeyEntity[]> {
    return this.repo.find({
      where: ownerId ? { userId: ownerId } : {},
      order: { createdAt: 'ASC' },
    });
  }

  /** A user's active keys for a provider, with their ciphertext: one query per chat call. */
  activeWithCiphertext(userId: string, provider: LlmProvider): Promise<LlmApiKeyEntity[]> {
    return this.repo
      .createQueryBuilder('k')
      .addSelect('k.encryptedKey')
      .where('k.userId = :userId AND k.provider = :provider AND k.isActive', { userId, provider })
      .orderBy('k.createdAt', 'ASC')
      .getMany();
  }

  hasKeyFor(userId: string, provider: LlmProvider): Promise<boolean> {
    return this.repo.exists({ where: { userId, provider } });
  }

  /** The ciphertext of one key, for the moment of a call. */
  async encryptedKey(id: string): Promise<string | null> {
    const row = await this.repo
      .createQueryBuilder('k')
      .select('k.id')
      .addSelect('k.encryptedKey')
      .where('k.id = :id', { id })
      .getOne();
    return row?.encryptedKey ?? null;
  }

  /**
   * Inserts or updates a key; when it becomes the default, the previous default of that user
   * and provider is unset in the same transaction (a partial unique index backs this up).
   */
  save(
    id: string | null,
    values: LlmKeyWrite,
    makeDefault: { userId: string; provider: LlmProvider } | null,
  ) {
    return this.repo.manager.transaction(async (m: EntityManager) => {
      const repo = m.getRepository(LlmApiKeyEntity);
      if (makeDefault) {
        await repo.update(
          { userId: makeDefault.userId, provider: makeDefault.provider, isDefault: true },
          { isDefault: false },
        );
      }
      if (id) {
        await repo.update({ id }, values);
        return id;
      }
      return ((await repo.insert(values)).identifiers[0] as { id: string }).id;
    });
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /** Every key with its ciphertext, locked, inside the caller's transaction (key rotation). */
  lockAllWithCiphertext(m: EntityManager): Promise<LlmApiKeyEntity[]> {
    return m
      .getRepository(LlmApiKeyEntity)
      .createQueryBuilder('k')
      .addSelect('k.encryptedKey')
      .setLock('pessimistic_write')
      .orderBy('k.createdAt', 'ASC')
      .getMany();
  }

  /** Replaces a key's ciphertext inside the caller's transaction (key rotation). */
  async setCiphertext(m: EntityManager, id: string, encryptedKey: string): Promise<void> {
    await m.getRepository(LlmApiKeyEntity).update({ id }, { encryptedKey });
  }

  /** Adds `count` calls to a key's usage, inside the usage log's transaction. */
  async addUsage(m: EntityManager, id: string, count: number, last: Date): Promise<void> {
    await m
      .getRepository(LlmApiKeyEntity)
      .createQueryBuilder()
      .update()
      .set({
        usageCount: () => `usage_count + ${Number(count)}`,
        lastUsedAt: () => `GREATEST(last_used_at, :last)`,
      })
      .setParameter('last', last)
      .where('id = :id', { id })
      .execute();
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }
}
