import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  FEEDBACK_STATUSES,
  FEEDBACK_TYPES,
  FeedbackEntity,
  type FeedbackStatus,
  type FeedbackType,
} from '../entities/feedback.entity';

/** Longest message kept, after markup and control characters are removed. */
export const MAX_FEEDBACK_LENGTH = 4_000;

export class CreateFeedbackDto {
  @ApiProperty({ enum: FEEDBACK_TYPES, example: 'bug' })
  @IsIn(FEEDBACK_TYPES)
  type: FeedbackType;

  @ApiProperty({
    example: "Le total TTC du devis DEV-2025-0042 ne s'affiche pas.",
    description: `Plain text; markup is removed. At most ${MAX_FEEDBACK_LENGTH} characters once cleaned.`,
    maxLength: 20_000,
  })
  @IsString()
  @MaxLength(20_000)
  message: string;

  @ApiPropertyOptional({ example: 'marie@example.fr', maxLength: 254 })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '/support/chat', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  page?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, example: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  rating?: number;
}

export class ListFeedbackQueryDto {
  @ApiPropertyOptional({ enum: FEEDBACK_STATUSES })
  @IsOptional()
  @IsIn(FEEDBACK_STATUSES)
  status?: FeedbackStatus;

  @ApiPropertyOptional({ enum: FEEDBACK_TYPES })
  @IsOptional()
  @IsIn(FEEDBACK_TYPES)
  type?: FeedbackType;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class UpdateFeedbackDto {
  @ApiProperty({ enum: FEEDBACK_STATUSES, example: 'triaged' })
  @IsIn(FEEDBACK_STATUSES)
  status: FeedbackStatus;
}

export class FeedbackReceiptDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'new' })
  status: FeedbackStatus;

  @ApiProperty()
  createdAt: Date;
}

export class FeedbackResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: FEEDBACK_TYPES }) type: FeedbackType;
  @ApiProperty() message: string;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) page: string | null;
  @ApiProperty({ type: Number, nullable: true }) rating: number | null;
  @ApiProperty({ enum: FEEDBACK_STATUSES }) status: FeedbackStatus;
  @ApiProperty({ enum: ['none', 'pending', 'delivered', 'failed'] }) webhookStatus: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(f: FeedbackEntity): FeedbackResponseDto {
    const { id, type, message, email, page, rating, status, webhookStatus, createdAt, updatedAt } =
      f;
    return { id, type, message, email, page, rating, status, webhookStatus, createdAt, updatedAt };
  }
}

export class FeedbackListDto {
  @ApiProperty({ type: [FeedbackResponseDto] }) items: FeedbackResponseDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}
