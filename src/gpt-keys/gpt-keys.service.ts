import { Inject, Injectable } from '@nestjs/common';
import { isUuid } from '../common/text';
import type { ConfigType } from '@nestjs/config';
import type { AuthenticatedGptKey } from '../common/auth/principal';
import { sha256Hex } from '../common/crypto';
import { toPlainText } from '../common/plain-text';
import { DomainException } from '../common/errors/domain.exception';
import { gptConfig } from '../config';
import { GptApiKeyEntity } from './entities/gpt-api-key.entity';
import { CachedGptKey, GptKeyCache } from './gpt-key-cache';
import { GptKeyFormat } from './gpt-key-format';
import { GptKeysRepository } from './gpt-keys.repository';

export interface CreateGptKeyInput {
  name: string;
  rateLimitPerHour?: number;
  expiresAt?: Date | null;
}

export interface UpdateGptKeyInput {
  name?: string;
  rateLimitPerHour?: number;
  /** null removes the expiry. */
  expiresAt?: Date | null;
  isActive?: boolean;
}

export interface IssuedGptKey {
  key: GptApiKeyEntity;
  /** The only time the plaintext exists outside the caller's hands. */
  plaintext: string;
}

export const MAX_RATE_LIMIT = 1_000_000;

/** GPT key lifecycle and authentication; used alike by the HTTP API and the CLI. */
@Injectable()
export class GptKeysService {
  readonly format: GptKeyFormat;

  constructor(
    private readonly repo: GptKeysRepository,
    private readonly cache: GptKeyCache,
    @Inject(gptConfig.KEY) private readonly config: ConfigType<typeof gptConfig>,
  ) {
    this.format = new GptKeyFormat(config.keyPrefix);
  }

  async create(input: CreateGptKeyInput, createdById: string | null = null): Promise<IssuedGptKey> {
    const name = this.checkName(input.name);
    const rateLimitPerHour = this.checkRateLimit(
      input.rateLimitPerHour ?? this.config.defaultRateLimit,
    );
    const expiresAt = this.checkExpiry(input.expiresAt ?? null);
    const { plaintext, hash, displayPrefix } = this.format.generate();
    const key = await this.repo.insert({
      name,
      keyHash: hash,
      displayPrefix,
      rateLimitPerHour,
      expiresAt,
      isActive: true,
      createdById,
    });
    await this.cache.invalidate(key.id); // forget a cached "unknown" for this hash
    return { key, plaintext };
  }

  list(): Promise<GptApiKeyEntity[]> {
    return this.repo.list();
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  async get(id: string): Promise<GptApiKeyEntity> {
    const key = isUuid(id) ? await this.repo.findById(id) : null;
    if (!key) throw DomainException.notFound('GPT API key');
    return key;
  }

  /**
   * Finds a key from what an operator types: the full key, its id, or its display prefix
   * (`torp_gpt_abcd`, also as shown masked `torp_gpt_abcd***`).
   */
  async resolve(ref: string): Promise<GptApiKeyEntity> {
    const value = ref.trim();
    if (isUuid(value)) return this.get(value);
    if (this.format.isWellFormed(value)) {
      const key = await this.repo.findByHash(sha256Hex(value));
      if (!key) throw new DomainException('NOT_FOUND', 'No GPT API key matches that key');
      return key;
    }
    const fragment = value.replace(/\*+$/, '');
    if (
      fragment.length < this.config.keyPrefix.length + 2 ||
      !fragment.startsWith(this.config.keyPrefix)
    ) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `Give a key id, a full key, or a key prefix such as ${this.config.keyPrefix}abcd`,
      );
    }
    const matches = await this.repo.findByPrefixFragment(fragment);
    if (matches.length === 0)
      throw new DomainException('NOT_FOUND', `No GPT API key matches ${fragment}`);
    if (matches.length > 1) {
      throw new DomainException(
        'CONFLICT',
        `${fragment} matches ${matches.length} keys (${matches.map((k) => k.id).join(', ')}): use an id`,
      );
    }
    return matches[0];
  }

  async update(id: string, input: UpdateGptKeyInput): Promise<GptApiKeyEntity> {
    const key = await this.get(id);
    const patch: Partial<GptApiKeyEntity> = {};
    if (input.name !== undefined) patch.name = this.checkName(input.name);
    if (input.rateLimitPerHour !== undefined)
      patch.rateLimitPerHour = this.checkRateLimit(input.rateLimitPerHour);
    if (input.expiresAt !== undefined) patch.expiresAt = this.checkExpiry(input.expiresAt);
    if (input.isActive !== undefined) patch.isActive = input.isActive;
    if (Object.keys(patch).length === 0) return key;
    await this.repo.update(key.id, patch);
    await this.cache.invalidate(key.id);
    return this.get(key.id);
  }

  deactivate(id: string): Promise<GptApiKeyEntity> {
    return this.update(id, { isActive: false });
  }

  async remove(id: string): Promise<void> {
    const key = await this.get(id);
    await this.repo.delete(key.id);
    await this.cache.invalidate(key.id);
  }

  /**
   * Issues a new key with the same settings. The old key stops at once, or keeps working
   * for `graceSeconds` (its expiry is brought forward) so a GPT can be updated without downtime.
   */
  async rotate(
    id: string,
    graceSeconds = 0,
  ): Promise<IssuedGptKey & { previous: GptApiKeyEntity }> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 30 * 86_400) {
      throw new DomainException(
        'VALIDATION_FAILED',
        'graceSeconds must be an integer from 0 to 2592000 (30 days)',
      );
    }
    const old = await this.get(id);
    if (old.status() !== 'active') {
      throw new DomainException(
        'CONFLICT',
        `Only an active key can be rotated (this one is ${old.status()})`,
      );
    }
    const { plaintext, hash, displayPrefix } = this.format.generate();
    const key = await this.repo.transaction(async (manager) => {
      const issued = await this.repo.insert(
        {
          name: old.name,
          keyHash: hash,
          displayPrefix,
          rateLimitPerHour: old.rateLimitPerHour,
          expiresAt: old.expiresAt,
          isActive: true,
          createdById: old.createdById,
        },
        manager,
      );
      const graceEnd = new Date(Date.now() + graceSeconds * 1000);
      const stop: Partial<GptApiKeyEntity> =
        graceSeconds === 0
          ? { isActive: false }
          : { expiresAt: old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd };
      await this.repo.update(old.id, { ...stop, replacedById: issued.id }, manager);
      return issued;
    });
    await this.cache.invalidate(old.id);
    await this.cache.invalidate(key.id);
    return { key, plaintext, previous: await this.get(old.id) };
  }

  /**
   * Checks a Bearer key in two steps, so the common case costs no promise: `cachedKey` answers
   * a key seen in the last seconds from memory (by its hash); only when it returns undefined
   * does the caller await `authenticate`, which checks the format and checksum first (a junk
   * key costs no lookup) and then loads the key. Both throw the same 401 domain errors.
   */
  cachedKey(plaintext: string): AuthenticatedGptKey | undefined {
    if (!this.format.hasShape(plaintext)) throw malformedKey();
    const key = this.cache.peek(sha256Hex(plaintext));
    return key === undefined ? undefined : usable(key);
  }

  /** The key after `cachedKey` missed: checksum, then the database (through the cache). */
  async authenticate(plaintext: string): Promise<AuthenticatedGptKey> {
    if (!this.format.isWellFormed(plaintext)) throw malformedKey();
    const hash = sha256Hex(plaintext);
    const key = await this.cache.get(hash, async () => {
      const row = await this.repo.findByHash(hash);
      return row ? toCached(row) : null;
    });
    return usable(key);
  }

  private checkName(name: string): string {
    const trimmed = toPlainText(name ?? '');
    if (trimmed.length < 1 || trimmed.length > 100) {
      throw new DomainException(
        'VALIDATION_FAILED',
        'Key name must be 1 to 100 characters of text (markup is removed)',
      );
    }
    return trimmed;
  }

  private checkRateLimit(limit: number): number {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RATE_LIMIT) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `Rate limit must be a whole number of requests per hour from 1 to ${MAX_RATE_LIMIT}`,
      );
    }
    return limit;
  }

  private checkExpiry(expiresAt: Date | null): Date | null {
    if (expiresAt === null) return null;
    if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
      throw new DomainException('VALIDATION_FAILED', 'Expiry must be a valid date');
    }
    if (expiresAt.getTime() <= Date.now()) {
      throw new DomainException(
        'VALIDATION_FAILED',
        'Expiry must be in the future (deactivate a key to stop it now)',
      );
    }
    return expiresAt;
  }
}

/** The key if it may be used now (the cached record itself: callers only read it). */
function usable(key: CachedGptKey | null): AuthenticatedGptKey {
  if (!key) throw new DomainException('GPT_KEY_INVALID', 'Invalid API key');
  if (!key.isActive) {
    throw new DomainException('GPT_KEY_INACTIVE', 'This API key has been deactivated');
  }
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
    throw new DomainException(
      'GPT_KEY_EXPIRED',
      `This API key expired on ${key.expiresAt.toISOString()}`,
    );
  }
  return key;
}

function malformedKey(): DomainException {
  return new DomainException(
    'GPT_KEY_MALFORMED',
    'Malformed API key: check that it was copied whole',
  );
}

function toCached(row: GptApiKeyEntity): CachedGptKey {
  const { id, name, displayPrefix, rateLimitPerHour, expiresAt, isActive } = row;
  return { id, name, displayPrefix, rateLimitPerHour, expiresAt, isActive };
}
