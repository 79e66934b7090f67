import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { AuthenticatedGptKey } from '../common/auth/principal';
import { sha256Hex } from '../common/crypto';
import { DomainException } from '../common/errors/domain.exception';
import { isUuid } from '../common/text';
import { gptConfig } from '../config';
import type { CreateGptKeyDto, RotateGptKeyDto, UpdateGptKeyDto } from './dto/gpt-key.dto';
import { GptApiKeyEntity } from './entities/gpt-api-key.entity';
import { CachedGptKey, GptKeyCache } from './gpt-key-cache';
import { GptKeyFormat } from './gpt-key-format';
import { GPT_KEY_RULES } from './gpt-keys.rules';
import { GptKeysRepository } from './gpt-keys.repository';

/** What a key is called in its 404 (`GPT API key not found`), here and for `@UuidParam`. */
export const GPT_KEY_NOUN = 'GPT API key';

export interface IssuedGptKey {
  key: GptApiKeyEntity;
  /** The only time the plaintext exists outside the caller's hands. */
  plaintext: string;
}

/**
 * GPT key lifecycle and authentication; used alike by the HTTP API, the back-office and the CLI.
 * Input arrives validated against its DTO (`validateInput` outside HTTP); only the rules that
 * need the database or the clock at call time are checked here.
 */
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

  async create(dto: CreateGptKeyDto, createdById: string | null = null): Promise<IssuedGptKey> {
    const expiresAt = futureExpiry(dto.expiresAt ?? null);
    const { plaintext, hash, displayPrefix } = this.format.generate();
    const key = await this.repo.insert({
      name: dto.name,
      keyHash: hash,
      displayPrefix,
      rateLimitPerHour: dto.rateLimitPerHour ?? this.config.defaultRateLimit,
      expiresAt,
      isActive: true,
      createdById,
    });
    await this.cache.invalidate(key.id); // forget a cached "unknown" for this hash
    return { key, plaintext };
  }

  /** Requests per key and UTC day since `sinceDay` (YYYY-MM-DD): the dashboard's series. */
  dailyUsageByKey(sinceDay: string): Promise<{ label: string; day: string; n: string }[]> {
    return this.repo.dailyUsageByKey(sinceDay);
  }

  list(): Promise<GptApiKeyEntity[]> {
    return this.repo.list();
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  /** By id: callers pass a checked UUID (`@UuidParam`, `resolve`, a stored record's id). */
  async get(id: string): Promise<GptApiKeyEntity> {
    const key = await this.repo.findById(id);
    if (!key) throw DomainException.notFound(GPT_KEY_NOUN);
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

  async update(id: string, dto: UpdateGptKeyDto): Promise<GptApiKeyEntity> {
    const key = await this.get(id);
    const patch: Partial<GptApiKeyEntity> = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.rateLimitPerHour !== undefined) patch.rateLimitPerHour = dto.rateLimitPerHour;
    if (dto.expiresAt !== undefined) patch.expiresAt = futureExpiry(dto.expiresAt);
    if (dto.isActive !== undefined) patch.isActive = dto.isActive;
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
    dto: RotateGptKeyDto = {},
  ): Promise<IssuedGptKey & { previous: GptApiKeyEntity }> {
    const graceSeconds = dto.graceSeconds ?? GPT_KEY_RULES.graceSeconds.default;
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
}

/**
 * A future expiry, or null. The DTO refused a past date when the input arrived; this is the
 * clock when the key is written (and the check for callers holding a Date, like tests).
 */
function futureExpiry(expiresAt: Date | null): Date | null {
  if (expiresAt !== null && expiresAt.getTime() <= Date.now()) {
    throw new DomainException(
      'VALIDATION_FAILED',
      'Expiry must be in the future (deactivate a key to stop it now)',
    );
  }
  return expiresAt;
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
