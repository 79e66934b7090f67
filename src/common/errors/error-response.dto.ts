import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from './error-code';

export class FieldErrorDto {
  @ApiProperty({ example: 'rateLimitPerHour' })
  field: string;

  @ApiProperty({ example: ['rateLimitPerHour must not be less than 1'] })
  messages: string[];
}

/** The one error body every endpoint answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request', description: 'HTTP reason phrase' })
  error: string;

  @ApiProperty({ enum: Object.keys(ERROR_STATUS), example: 'VALIDATION_FAILED' })
  code: ErrorCode;

  @ApiProperty({ example: 'Validation failed: rateLimitPerHour' })
  message: string;

  @ApiProperty({ example: '7b6f1c9e-4f7a-4c1e-9a53-2f0d8a3c6b21' })
  requestId: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Present on validation errors' })
  details?: FieldErrorDto[];
}
