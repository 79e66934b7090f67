import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { TextField } from '../../common/http/plain-text.decorator';
import { LlmPromptTemplateEntity } from '../entities/llm-prompt-template.entity';
import { LLM_RULES } from '../llm-providers.rules';
import { placeholders } from './template-render';

const RULES = LLM_RULES.template;

export class CreateTemplateDto {
  @ApiProperty({ example: 'Résumé de devis', maxLength: RULES.nameMaxLength })
  @TextField({ maxLength: RULES.nameMaxLength })
  name: string;

  @ApiPropertyOptional({
    example: 'Summarise a quote for a customer',
    maxLength: RULES.descriptionMaxLength,
  })
  @IsOptional()
  @TextField({ minLength: 0, maxLength: RULES.descriptionMaxLength })
  description?: string;

  @ApiProperty({
    example: 'Résume le devis {{reference}} pour {{client}} en 3 phrases.',
    maxLength: RULES.contentMaxLength,
  })
  @TextField({ maxLength: RULES.contentMaxLength })
  content: string;
}

export class UpdateTemplateDto {
  @ApiPropertyOptional({ maxLength: RULES.nameMaxLength })
  @IsOptional()
  @TextField({ maxLength: RULES.nameMaxLength })
  name?: string;

  @ApiPropertyOptional({ maxLength: RULES.descriptionMaxLength })
  @IsOptional()
  @TextField({ minLength: 0, maxLength: RULES.descriptionMaxLength })
  description?: string;

  @ApiPropertyOptional({ maxLength: RULES.contentMaxLength })
  @IsOptional()
  @TextField({ maxLength: RULES.contentMaxLength })
  content?: string;
}

export class TemplateResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Résumé de devis' })
  name: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ example: 'Résume le devis {{reference}} pour {{client}} en 3 phrases.' })
  content: string;

  @ApiProperty({ example: ['reference', 'client'] })
  variables: string[];

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;

  static from(t: LlmPromptTemplateEntity): TemplateResponseDto {
    const { id, name, description, content, createdAt, updatedAt } = t;
    return {
      id,
      name,
      description,
      content,
      variables: placeholders(content),
      createdAt,
      updatedAt,
    };
  }
}
