import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, subscribeToChannel } from '../common/redis/redis.module';
import { TtlCache } from '../common/ttl-cache';
import type { ConfigType } from '@nestjs/config';
import type { AuthenticatedUser } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import { securityConfig } from '../config';
import { CreateLlmKeyDto, UpdateLlmKeyDto } from './dto/llm-key.dto';
import { LlmApiKeyEntity, LlmProvider } from './entities/llm-api-key.entity';
import { LlmKeysRepository, LlmKeyWrite } from './llm-keys.repository';
import { isPlausibleKey, keyFormatHint, visiblePrefix } from './provider-key-format';
import { SecretBox, SecretUnreadableError } from './secret-box';

/**
 * How long a user's active keys (for chat calls) and a decrypted key stay in memory. Writes
 * through this service drop both at once on this instance and, with Redis, on every other
 * one; without Redis another instance (or a change by the CLI) catches up within this time.
 */
const KEY_CACHE_TTL_MS = 3_000;
const CHANNEL = 'passerelle:llm-keys:changed';
const KEY_CACHE = { ttlMs: KEY_CACHE_TTL_MS, maxEntries: 10_000 };

export interface RotationReport {
  total: number;
  reEncrypted: number;
  alreadyCurrent: number;
}

/**
 * Users' provider keys: encrypted at rest, visible to their owner (and admins) as metadata
 * only. Another user's key is answered 404, as if it did not exist.
 */
@Injectable()
export class LlmKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LlmKeysService.name);
  private readonly box: SecretBox;
  private subscriber: Redis | null = null;
  /** Active keys with their ciphertext by `userId:provider`: no query per chat call. */
  private readonly active = new TtlCache<string, LlmApiKeyEntity[]>(KEY_CACHE);
  /**
   * Plaintexts by key id, each with the ciphertext it came from (a changed ciphertext misses).
   * Security: the plaintext stays in this process's memory for at most KEY_CACHE_TTL_MS after
   * a call, where it already sits during the call (SDK client, request headers); the master
   * key that decrypts every key lives here for good, so a memory dump exposes nothing new.
   * Never logged, never leaves this service except through `reveal`.
   */
  private readonly plaintexts = new TtlCache<string, { stored: string; plaintext: string }>(
    KEY_CACHE,
  );

  constructor(
    private readonly repo: LlmKeysRepository,
    @Inject(securityConfig.KEY) security: ConfigType<typeof securityConfig>,
    @Optional() @Inject(REDIS) private readonly redis: Redis | null = null,
  ) {
    this.box = new SecretBox(security.encryptionKey);
  }

  onModuleInit() {
    if (!this.redis) return;
    this.subscriber = subscribeToChannel(
      this.redis,
      CHANNEL,
      () => this.drop(),
      (err) =>
        this.logger.warn(`Not subscribed to LLM key changes (${err.message}); relying on the TTL`),
    );
  }

  onApplicationShutdown() {
    this.subscriber?.disconnect();
  }

  async create(user: AuthenticatedUser, dto: CreateLlmKeyDto): Promise<LlmApiKeyEntity> {
    const apiKey = this.checkKey(dto.provider, dto.apiKey);
    // A user's first key for a provider becomes its default.
    const isDefault = dto.isDefault ?? !(await this.repo.hasKeyFor(user.id, dto.provider));
    const id = await this.repo.save(
      null,
      {
        userId: user.id,
        provider: dto.provider,
        name: dto.name,
        encryptedKey: this.box.encrypt(apiKey),
        keyPrefix: visiblePrefix(dto.provider, apiKey),
        isActive: true,
        isDefault,
        metadata: (dto.metadata ?? {}) as LlmKeyWrite['metadata'],
        monthlyBudgetMicroUsd: toMicro(dto.monthlyBudgetUsd),
      },
      isDefault ? { userId: user.id, provider: dto.provider } : null,
    );
    this.forget();
    return this.get(user, id);
  }

  list(user: AuthenticatedUser, userId?: string): Promise<LlmApiKeyEntity[]> {
    if (user.role === 'admin') return this.repo.list(userId);
    return this.repo.list(user.id);
  }

  async get(user: AuthenticatedUser, id: string): Promise<LlmApiKeyEntity> {
    // Every caller passes a checked id: @UuidParam, the chat DTO's @IsUUID, an AdminJS record.
    const key = await this.repo.find(id, user.role === 'admin' ? undefined : user.id);
    if (!key) throw DomainException.notFound('LLM API key');
    return key;
  }

  async update(
    user: AuthenticatedUser,
    id: string,
    dto: UpdateLlmKeyDto,
  ): Promise<LlmApiKeyEntity> {
    const key = await this.get(user, id);
    const values: LlmKeyWrite = {};
    if (dto.name !== undefined) values.name = dto.name;
    if (dto.apiKey !== undefined) {
      const apiKey = this.checkKey(key.provider, dto.apiKey);
      values.encryptedKey = this.box.encrypt(apiKey);
      values.keyPrefix = visiblePrefix(key.provider, apiKey);
    }
    if (dto.isActive !== undefined) values.isActive = dto.isActive;
    if (dto.isDefault !== undefined) values.isDefault = dto.isDefault;
    if (dto.metadata !== undefined) values.metadata = dto.metadata as LlmKeyWrite['metadata'];
    if (dto.monthlyBudgetUsd !== undefined)
      values.monthlyBudgetMicroUsd = toMicro(dto.monthlyBudgetUsd);
    if (Object.keys(values).length > 0) {
      await this.repo.save(
        key.id,
        values,
        dto.isDefault ? { userId: key.userId, provider: key.provider } : null,
      );
      this.forget();
    }
    return this.get(user, key.id);
  }

  async remove(user: AuthenticatedUser, id: string): Promise<void> {
    const key = await this.get(user, id);
    await this.repo.delete(key.id);
    this.forget();
  }

  /** The key `id` if it is active and of `provider`, else null (no ownership rule: staff use). */
  findActive(id: string, provider: LlmProvider): Promise<LlmApiKeyEntity | null> {
    return this.repo.findActive(id, provider);
  }

  /**
   * A user's active keys for a provider, ciphertext loaded (for `reveal` without a query);
   * read-only records, cached briefly (KEY_CACHE_TTL_MS), one load for concurrent callers.
   */
  activeKeys(userId: string, provider: LlmProvider): Promise<readonly LlmApiKeyEntity[]> {
    return this.active.getOrLoad(`${userId}:${provider}`, () =>
      this.repo.activeWithCiphertext(userId, provider),
    );
  }

  /** The plaintext of a key, for the moment of a provider call. A clear error if unreadable. */
  async reveal(key: LlmApiKeyEntity): Promise<string> {
    const stored = key.encryptedKey ?? (await this.repo.encryptedKey(key.id));
    if (!stored) throw DomainException.notFound('LLM API key');
    const hit = this.plaintexts.peek(key.id);
    if (hit?.stored === stored) return hit.plaintext;
    try {
      const plaintext = this.box.decrypt(stored);
      this.plaintexts.set(key.id, { stored, plaintext });
      return plaintext;
    } catch (err) {
      if (!(err instanceof SecretUnreadableError)) throw err;
      throw new DomainException(
        'LLM_KEY_UNREADABLE',
        `The stored key "${key.name}" (${key.keyPrefix}) cannot be decrypted: ENCRYPTION_KEY changed or the data was altered. Enter the key again.`,
      );
    }
  }

  /**
   * Re-encrypts every key from `oldMasterKey` to the current ENCRYPTION_KEY in one
   * transaction. Keys already readable with the current key are left as they are; if any key
   * is readable with neither, nothing is changed.
   */
  async rotateEncryptionKey(oldMasterKey: string): Promise<RotationReport> {
    const oldBox = new SecretBox(oldMasterKey);
    return this.repo.transaction(async (m) => {
      const keys = await this.repo.lockAllWithCiphertext(m);
      const report: RotationReport = { total: keys.length, reEncrypted: 0, alreadyCurrent: 0 };
      const unreadable: string[] = [];
      const updates: { id: string; encryptedKey: string }[] = [];
      for (const key of keys) {
        if (readable(this.box, key.encryptedKey)) {
          report.alreadyCurrent++;
          continue;
        }
        try {
          updates.push({
            id: key.id,
            encryptedKey: this.box.encrypt(oldBox.decrypt(key.encryptedKey)),
          });
        } catch {
          unreadable.push(`${key.id} (${key.name})`);
        }
      }
      if (unreadable.length > 0) {
        throw new DomainException(
          'LLM_KEY_UNREADABLE',
          `${unreadable.length} key(s) readable with neither OLD_ENCRYPTION_KEY nor ENCRYPTION_KEY, nothing changed: ${unreadable.join(', ')}`,
        );
      }
      for (const u of updates) await this.repo.setCiphertext(m, u.id, u.encryptedKey);
      report.reEncrypted = updates.length;
      return report;
    });
  }

  /**
   * Drops every cached key and plaintext after a write (writes are rare: no finer tracking),
   * here and, with Redis, on every instance: a deleted or deactivated key stops at once.
   */
  private forget() {
    this.drop();
    this.redis?.publish(CHANNEL, 'changed').catch((err: Error) => {
      this.logger.warn(
        `Could not announce an LLM key change (${err.message}); other instances catch up within ${KEY_CACHE_TTL_MS} ms`,
      );
    });
  }

  private drop() {
    this.active.clear();
    this.plaintexts.clear();
  }

  private checkKey(provider: LlmProvider, apiKey: string): string {
    const key = apiKey.trim();
    if (!isPlausibleKey(provider, key)) {
      throw DomainException.invalidField(
        'apiKey',
        `apiKey does not look like a ${provider} key (${keyFormatHint(provider)})`,
      );
    }
    return key;
  }
}

function readable(box: SecretBox, stored: string): boolean {
  try {
    box.decrypt(stored);
    return true;
  } catch {
    return false;
  }
}

const toMicro = (usd: number | null | undefined) =>
  usd === undefined || usd === null ? null : Math.round(usd * 1_000_000);
