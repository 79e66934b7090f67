import { BaseEntity, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { LlmProvider } from '../../llm-providers/entities/llm-api-key.entity';
import type { ChatProvider } from '../../llm-providers/providers/llm-providers.settings';

/** The single row (id = 1) of support chat settings, edited by admins. */
@Entity('chat_settings')
export class ChatSettingsEntity extends BaseEntity {
  @PrimaryColumn({ type: 'smallint', default: 1 })
  id: number;

  @Column({ type: 'boolean', default: true })
  autoReplyEnabled: boolean;

  @Column({ type: 'varchar', length: 16 })
  provider: ChatProvider;

  /** Null: the provider's default model (LLM_DEFAULT_MODEL_<PROVIDER>). */
  @Column({ type: 'varchar', length: 100, nullable: true })
  model: string | null;

  /**
   * The provider key the assistant spends: one of an admin's own keys, chosen by that admin.
   * Null (or the key deactivated/deleted): no usable key, so the deterministic mock answers.
   */
  @Column({ type: 'uuid', nullable: true })
  llmKeyId: string | null;

  /**
   * Tried in order when the call before failed (429, 5xx, timeout, refused key, budget):
   * keys chosen by an admin among their own, like `llmKeyId`.
   */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  fallbacks: { provider: LlmProvider; model?: string; keyId: string }[];

  @Column({ type: 'text' })
  systemPrompt: string;

  /** The first message of a conversation in French (the default; the API's `welcomeMessage`). */
  @Column({ type: 'text' })
  welcomeMessageFr: string;

  /** The first message of a conversation in English. */
  @Column({ type: 'text' })
  welcomeMessageEn: string;

  /** Lower-cased phrases; a user message containing one asks for a human. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  handoffKeywords: string[];

  /**
   * An analysis stored with a confidence below this (0–100), or grade E, opens a support
   * conversation for a person to review it.
   */
  @Column({ type: 'smallint', default: 60 })
  reviewConfidenceThreshold: number;

  @Column({ type: 'uuid', nullable: true })
  updatedById: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
