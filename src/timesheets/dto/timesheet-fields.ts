import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { MaxTextLength } from '../../common/http/max-text-length.validator';
import { PlainText } from '../../common/http/plain-text.decorator';
import { isCalendarDate } from '../calendar';
import { TIMESHEET_RULES } from '../timesheets.rules';

const { name, date } = TIMESHEET_RULES;

/** A calendar day `YYYY-MM-DD` (a real one: 2026-02-30 is refused), from the rules' minimum. */
export const IsCalendarDay = (): PropertyDecorator =>
  ValidateBy({
    name: 'isCalendarDay',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && isCalendarDate(value) && value >= date.min,
      defaultMessage: (args) =>
        `${args?.property} must be a date YYYY-MM-DD from ${date.min} (e.g. ${date.example}); resolve "aujourd'hui" or "hier" from today`,
    },
  });

/** A date field of the person's time zone. */
export function DateField(description: string, required: boolean) {
  const doc = { type: String, format: 'date', example: date.example, description };
  return applyDecorators(
    required ? ApiProperty(doc) : ApiPropertyOptional(doc),
    ...(required ? [] : [IsOptional()]),
    IsCalendarDay(),
  );
}

/** A level's name as staff type it (cleaned to plain text). */
export function NameField(example: string, required = true) {
  const doc = { example, minLength: name.minLength, maxLength: name.maxLength };
  return applyDecorators(
    PlainText(),
    required ? ApiProperty(doc) : ApiPropertyOptional(doc),
    ...(required ? [] : [IsOptional()]),
    IsString(),
    MinLength(name.minLength),
    MaxTextLength(name.maxLength),
  );
}

/**
 * A level named the way people speak: its id, or its name or part of it, case and accents
 * ignored ("dupont" finds "Dupont SARL").
 */
export function RefField(what: string, example: string, required: boolean, extra = '') {
  const doc = {
    example,
    maxLength: name.maxLength,
    description: `The ${what}: its id, or its name as the person says it (case and accents ignored, part of the name is enough)${extra}`,
  };
  return applyDecorators(
    PlainText(),
    required ? ApiProperty(doc) : ApiPropertyOptional(doc),
    ...(required ? [] : [IsOptional()]),
    IsString(),
    MinLength(1),
    MaxLength(name.maxLength),
  );
}

/** Text searched in names (case and accents ignored). */
export function SearchField(example: string) {
  return applyDecorators(
    PlainText(),
    ApiPropertyOptional({
      example,
      maxLength: name.maxLength,
      description: 'Only names containing this text (case and accents ignored)',
    }),
    IsOptional(),
    IsString(),
    MinLength(1),
    MaxLength(name.maxLength),
  );
}

/** An optional boolean that also arrives as "true"/"false" in a query string. */
export function QueryBoolean(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: Boolean, description }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      value === 'true' ? true : value === 'false' ? false : value,
    ),
    IsBoolean(),
  );
}
