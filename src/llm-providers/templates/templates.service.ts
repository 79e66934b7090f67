import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../../database/kit/errors';
import { isUuid } from '../../common/text';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/principal';
import { DomainException } from '../../common/errors/domain.exception';
import { optionalPlainText, toPlainText } from '../../common/plain-text';
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
        name: plain('name', dto.name),
        description: optionalPlainText(dto.description),
        content: plain('content', dto.content),
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
          ...(dto.name !== undefined && { name: plain('name', dto.name) }),
          ...(dto.description !== undefined && {
            description: optionalPlainText(dto.description),
          }),
          ...(dto.content !== undefined && { content: plain('content', dto.content) }),
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
      if (isUniqueViolation(err)) {
        throw new DomainException('CONFLICT', `You already have a template named "${name}"`);
      }
      throw err;
    }
  }
}

/** Templates are plain text (markup removed, like every stored text); empty after that → 400. */
function plain(field: 'name' | 'content', value: string): string {
  const text = toPlainText(value);
  if (text === '') {
    throw new DomainException(
      'VALIDATION_FAILED',
      `Template ${field} is empty once markup is removed`,
      { details: [{ field, messages: [`${field} must contain text, not only markup`] }] },
    );
  }
  return text;
}
