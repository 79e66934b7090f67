import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AssistantToolCallEntity } from './entities/assistant-tool-call.entity';

export type ToolCallRow = Omit<AssistantToolCallEntity, 'id' | keyof import('typeorm').BaseEntity>;

/** The only place that reads or writes `assistant_tool_calls`. */
@Injectable()
export class ToolCallsRepository {
  constructor(
    @InjectRepository(AssistantToolCallEntity)
    private readonly repo: Repository<AssistantToolCallEntity>,
  ) {}

  /** One multi-row INSERT per batch. */
  async insertMany(rows: ToolCallRow[]): Promise<void> {
    if (rows.length) await this.repo.insert(rows);
  }
}
