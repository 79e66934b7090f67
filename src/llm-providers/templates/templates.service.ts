import { Injectable } from '@nestjs/common';
import { isUuid } from '../../common/text';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import { LlmPromptTemplateEntity } from '../entities/llm-prompt-template.entity';
import { renderTemplate } from './template-render';
import { CreateTemplateDto, UpdateTemplateDto } from './template.dto';

/** Each user's prompt templates; another user's template is answered 404. */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectRepository(LlmPromptTemplateEntity)
    private readonly repo: Repository<LlmPromptTemplateEntity>,
  ) {}

  list(user: AuthenticatedUser) {
    return this.repo.find({ where: { userId: user.id }, order: { name: 'ASC' } });
  }

  async get(user: AuthenticatedUser, id: string) {
    const t = isUuid(id) ? await this.repo.findOne({ where: { id, userId: user.id } }) : null;
    if (!t) throw DomainException.notFound('Template');
    return t;
  }

  async create(user: AuthenticatedUser, dto: CreateTemplateDto) {
    const { id } = await this.unique(dto.name, () =>
      this.repo.insert({
        userId: user.id,
        name: dto.name.trim(),
        description: dto.description ?? null,
        content: dto.content,
      }),
    ).then((r) => r.identifiers[0] as { id: string });
    return this.get(user, id);
  }

  async update(user: AuthenticatedUser, id: string, dto: UpdateTemplateDto) {
    const t = await this.get(user, id);
    await this.unique(dto.name ?? t.name, () =>
      this.repo.update(
        { id: t.id },
        {
          ...(dto.name !== undefined && { name: dto.name.trim() }),
          ...(dto.description !== undefined && { description: dto.description }),
          ...(dto.content !== undefined && { content: dto.content }),
        },
      ),
    );
    return this.get(user, t.id);
  }

  async remove(user: AuthenticatedUser, id: string) {
    const t = await this.get(user, id);
    await this.repo.delete({ id: t.id });
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
      if (err instanceof QueryFailedError && (err as { code?: string }).code === '23505') {
        throw new DomainException('CONFLICT', `You already have a template named "${name}"`);
      }
      throw err;
    }
  }
}
