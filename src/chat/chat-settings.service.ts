import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { AuthenticatedUser } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import type { Language } from '../common/http/language';
import { TtlCache } from '../common/ttl-cache';
import { chatConfig } from '../config';
import { LlmKeysService } from '../llm-providers/llm-keys.service';
import { ChatSettingsRepository } from './chat-settings.repository';
import type { ChatSettingsDto, UpdateChatSettingsDto } from './dto/chat-staff.dto';
import type { ChatSettingsEntity } from './entities/chat-settings.entity';

/** Settings are read on every message: kept this long in memory (changes here apply at once). */
const CACHE_MS = 5_000;

/**
 * The single chat_settings row. Other instances see a change within CACHE_MS.
 * The assistant's provider key is chosen explicitly by an admin among *their own* keys
 * (`llmKeyId`): nobody's personal key is spent by the public chat without them choosing it.
 */
@Injectable()
export class ChatSettingsService {
  private readonly cache = new TtlCache<'row', ChatSettingsEntity>({
    ttlMs: CACHE_MS,
    maxEntries: 1,
  });

  constructor(
    private readonly repo: ChatSettingsRepository,
    private readonly keys: LlmKeysService,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  current(): Promise<ChatSettingsEntity> {
    return this.cache.getOrLoad('row', () => this.repo.findCurrent());
  }

  async read(): Promise<ChatSettingsDto> {
    return this.toDto(await this.current());
  }

  async update(admin: AuthenticatedUser, dto: UpdateChatSettingsDto): Promise<ChatSettingsDto> {
    const current = await this.current();
    const provider = dto.provider ?? current.provider;
    const llmKeyId = dto.llmKeyId === undefined ? current.llmKeyId : dto.llmKeyId;
    if (dto.llmKeyId) await this.checkKey(admin, dto.llmKeyId, provider);
    else if (llmKeyId && dto.provider && dto.provider !== current.provider) {
      throw new DomainException(
        'VALIDATION_FAILED',
        `The configured key is not a ${provider} key: set llmKeyId (or null) with the new provider`,
        { details: [{ field: 'llmKeyId', messages: [`llmKeyId must be a ${provider} key`] }] },
      );
    }
    if (dto.welcomeMessage !== undefined && dto.welcomeMessageFr !== undefined) {
      throw DomainException.invalidField(
        'welcomeMessage',
        'welcomeMessage is the older name of welcomeMessageFr: send one of them',
      );
    }
    for (const [i, f] of (dto.fallbacks ?? []).entries()) {
      await this.checkKey(admin, f.keyId, f.provider, `fallbacks.${i}.keyId`);
    }
    const patch: Partial<ChatSettingsEntity> = { updatedById: admin.id };
    if (dto.fallbacks !== undefined) {
      patch.fallbacks = dto.fallbacks.map((f) => ({
        provider: f.provider,
        ...(f.model?.trim() && { model: f.model.trim() }),
        keyId: f.keyId,
      }));
    }
    if (dto.autoReplyEnabled !== undefined) patch.autoReplyEnabled = dto.autoReplyEnabled;
    if (dto.provider !== undefined) patch.provider = dto.provider;
    if (dto.model !== undefined) patch.model = dto.model?.trim() || null;
    if (dto.llmKeyId !== undefined) patch.llmKeyId = dto.llmKeyId;
    if (dto.systemPrompt !== undefined) patch.systemPrompt = dto.systemPrompt.trim();
    const welcomeFr = dto.welcomeMessageFr ?? dto.welcomeMessage;
    if (welcomeFr !== undefined) patch.welcomeMessageFr = welcomeFr.trim();
    if (dto.welcomeMessageEn !== undefined) patch.welcomeMessageEn = dto.welcomeMessageEn.trim();
    if (dto.handoffKeywords !== undefined) {
      patch.handoffKeywords = [
        ...new Set(dto.handoffKeywords.map((k) => k.normalize('NFC').trim().toLowerCase())),
      ].filter(Boolean);
    }
    if (dto.reviewConfidenceThreshold !== undefined) {
      patch.reviewConfidenceThreshold = dto.reviewConfidenceThreshold;
    }
    await this.repo.update(patch);
    this.cache.clear();
    return this.read();
  }

  /** The first message of a conversation in this language. */
  welcome(settings: ChatSettingsEntity, language: Language): string {
    return language === 'en' ? settings.welcomeMessageEn : settings.welcomeMessageFr;
  }

  /** CHAT_MOCK_MODE, the mock provider, or no key chosen: the deterministic mock answers. */
  mockReplies(settings: ChatSettingsEntity): boolean {
    return this.config.mockMode || settings.provider === 'mock' || !settings.llmKeyId;
  }

  private async checkKey(
    admin: AuthenticatedUser,
    keyId: string,
    provider: string,
    field = 'llmKeyId',
  ) {
    // The admin's own keys only (an admin may read everyone's, but spends only their own).
    const key = (await this.keys.list(admin, admin.id)).find((k) => k.id === keyId);
    const problem = !key
      ? `${field} must be one of your own LLM keys (POST /api/llm/keys)`
      : !key.isActive
        ? `${field} is deactivated`
        : key.provider !== provider
          ? `${field} is a ${key.provider} key, not a ${provider} one`
          : null;
    if (problem) throw DomainException.invalidField(field, problem);
  }

  private toDto(s: ChatSettingsEntity): ChatSettingsDto {
    return {
      autoReplyEnabled: s.autoReplyEnabled,
      provider: s.provider,
      model: s.model,
      llmKeyId: s.llmKeyId,
      fallbacks: s.fallbacks ?? [],
      systemPrompt: s.systemPrompt,
      welcomeMessage: s.welcomeMessageFr,
      welcomeMessageFr: s.welcomeMessageFr,
      welcomeMessageEn: s.welcomeMessageEn,
      handoffKeywords: s.handoffKeywords,
      reviewConfidenceThreshold: s.reviewConfidenceThreshold,
      mockReplies: this.mockReplies(s),
      updatedAt: s.updatedAt,
    };
  }
}
