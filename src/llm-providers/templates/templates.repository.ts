import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { LlmPromptTemplateEntity } from '../entities/llm-prompt-template.entity';

export type TemplateFields = Pick<LlmPromptTemplateEntity, 'name' | 'description' | 'content'>;

/** The only place that reads or writes llm_prompt_templates; every query is per owner. */
@Injectable()
export class TemplatesRepository {
  constructor(
    @InjectRepository(LlmPromptTemplateEntity)
    private readonly repo: Repository<LlmPromptTemplateEntity>,
  ) {}

  listByOwner(userId: string): Promise<LlmPromptTemplateEntity[]> {
    return this.repo.find({ where: { userId }, order: { name: 'ASC' } });
  }

  findOwned(userId: string, id: string): Promise<LlmPromptTemplateEntity | null> {
    return this.repo.findOne({ where: { id, userId } });
  }

  /** The new template's id; a name the owner already uses fails with a unique violation. */
  async insert(userId: string, fields: TemplateFields): Promise<string> {
    const r = await this.repo.insert({ userId, ...fields });
    return (r.identifiers[0] as { id: string }).id;
  }

  async update(id: string, patch: Partial<TemplateFields>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
