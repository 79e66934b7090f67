import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { LlmKeysService } from '../llm-keys.service';
import {
  CHAT_PROVIDERS,
  LLM_PROVIDERS_SETTINGS,
  type ChatProvider,
  type LlmProvidersSettings,
} from '../providers/llm-providers.settings';
import { MODEL_CATALOG } from '../providers/model-catalog';
import { LLM_PRICING, type LlmPricing } from '../usage/llm-pricing';
import type { ProviderModelsDto } from './llm-models.dto';

/** What each provider offers by default, with prices known or not, and the caller's keys. */
@Injectable()
export class LlmModelsService {
  constructor(
    private readonly keys: LlmKeysService,
    @Inject(LLM_PRICING) private readonly pricing: LlmPricing,
    @Inject(LLM_PROVIDERS_SETTINGS) private readonly settings: LlmProvidersSettings,
  ) {}

  async list(user: AuthenticatedUser): Promise<ProviderModelsDto[]> {
    const usable = await this.usableProviders(user);
    return CHAT_PROVIDERS.map((provider) => {
      const catalog = MODEL_CATALOG[provider];
      const defaultModel = this.settings.defaultModels[provider];
      const ids = [...new Set([defaultModel, ...catalog.models])];
      return {
        provider,
        defaultModel,
        hasKey: usable.has(provider),
        models: ids.map((id) => ({ id, priced: this.pricing.isPriced(provider, id) })),
        aliases: { ...catalog.aliases },
      };
    });
  }

  /** Providers the caller can call now: `mock`, and those they hold an active key for. */
  async usableProviders(user: AuthenticatedUser): Promise<Set<ChatProvider>> {
    const mine = await this.keys.list(user, user.id);
    return new Set<ChatProvider>([
      'mock',
      ...mine.filter((k) => k.isActive && k.userId === user.id).map((k) => k.provider),
    ]);
  }
}
