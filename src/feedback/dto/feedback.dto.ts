import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MaxTextLength } from '../../common/http/max-text-length.validator';
import { PlainText } from '../../common/http/plain-text.decorator';
import { FEEDBACK_RULES as RULES } from '../feedback.rules';
import {
  FEEDBACK_STATUSES,
  FEEDBACK_TYPES,
  FeedbackEntity,
  type FeedbackStatus,
  type FeedbackType,
} from '../entities/feedback.entity';

export class CreateFeedbackDto {
  @ApiProperty({ enum: FEEDBACK_TYPES, example: 'bug' })
  @IsIn(FEEDBACK_TYPES)
  type: FeedbackType;

  @ApiProperty({
    example: "Le total TTC du devis DEV-2025-0042 ne s'affiche pas.",
    description: `Plain text; markup is removed. At most ${RULES.messageMaxLength} characters once cleaned.`,
    maxLength: RULES.messageMaxLength,
  })
  @PlainText()
  @IsString()
  @IsNotEmpty({ message: 'message is empty once markup is removed' })
  @MaxTextLength(RULES.messageMaxLength)
  message: string;

  @ApiPropertyOptional({ example: 'marie@example.fr', maxLength: RULES.emailMaxLength })
  @IsOptional()
  @IsEmail()
  @MaxLength(RULES.emailMaxLength)
  email?: string;

  @ApiPropertyOptional({
    example: '/support/chat',
    maxLength: RULES.pageMaxLength,
    description: 'Plain text; empty once cleaned counts as none',
  })
  @PlainText()
  @IsOptional()
  @IsString()
  @MaxLength(RULES.pageMaxLength)
  page?: string;

  @ApiPropertyOptional({ minimum: RULES.rating.min, maximum: RULES.rating.max, example: 4 })
  @IsOptional()
  @IsInt()
  @Min(RULES.rating.min)
  @Max(RULES.rating.max)
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
  @Max(RULES.list.maxPage)
  page?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: RULES.list.pageSize.max,
    default: RULES.list.pageSize.default,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(RULES.list.pageSize.max)
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
