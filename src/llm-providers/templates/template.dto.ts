import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { LlmPromptTemplateEntity } from '../entities/llm-prompt-template.entity';
import { placeholders } from './template-render';

export class CreateTemplateDto {
  @ApiProperty({ example: 'Résumé de devis', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ example: 'Summarise a quote for a customer', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({
    example: 'Résume le devis {{reference}} pour {{client}} en 3 phrases.',
    maxLength: 20000,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  content: string;
}

export class UpdateTemplateDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
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
