import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import { isUniqueViolation } from '../../database/kit/errors';
import type { LlmPromptTemplateEntity } from '../entities/llm-prompt-template.entity';
import { renderTemplate } from './template-render';
import { CreateTemplateDto, UpdateTemplateDto } from './template.dto';
import { TemplatesRepository } from './templates.repository';

/**
 * Each user's prompt templates; another user's template is answered 404. Texts arrive cleaned
 * (`@PlainText()` in the DTOs); an empty description is stored as none.
 */
@Injectable()
export class TemplatesService {
  constructor(private readonly repo: TemplatesRepository) {}

  list(user: AuthenticatedUser): Promise<LlmPromptTemplateEntity[]> {
    return this.repo.listByOwner(user.id);
  }

  /** `id` is a UUID (checked by the route's UuidParam). */
  async get(user: AuthenticatedUser, id: string): Promise<LlmPromptTemplateEntity> {
    const t = await this.repo.findOwned(user.id, id);
    if (!t) throw DomainException.notFound('Template');
    return t;
  }

  async create(user: AuthenticatedUser, dto: CreateTemplateDto) {
    const id = await this.unique(dto.name, () =>
      this.repo.insert(user.id, {
        name: dto.name,
        description: dto.description || null,
        content: dto.content,
      }),
    );
    return this.get(user, id);
  }

  async update(user: AuthenticatedUser, id: string, dto: UpdateTemplateDto) {
    const t = await this.get(user, id);
    await this.unique(dto.name ?? t.name, () =>
      this.repo.update(t.id, {
        ...(dto.name !== undefined && { name: dto.name }),
        ...(dto.description !== undefined && { description: dto.description || null }),
        ...(dto.content !== undefined && { content: dto.content }),
      }),
    );
    return this.get(user, t.id);
  }

  async remove(user: AuthenticatedUser, id: string): Promise<void> {
    const t = await this.get(user, id);
    await this.repo.delete(t.id);
  }

  /** The filled-in text of a template, for the chat proxy (`templateId` + `variables`). */
  async render(
    user: AuthenticatedUser,
    id: string,
    variables: Record<string, string>,
  ): Promise<string> {
    return renderTemplate((await this.get(user, id)).content, variables);
  }

  private async unique<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new DomainException('CONFLICT', `You already have a template named "${name}"`);
      }
      throw err;
    }
  }
}
