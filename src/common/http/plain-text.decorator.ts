import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { toPlainText } from '../plain-text';

/**
 * Cleans a string field (or each string of an array field) to plain text before validation:
 * markup removed, NFC, control characters dropped, trimmed. Length and emptiness validators
 * then judge the cleaned text, so `<script>…</script>` alone fails `@MinLength(1)`.
 */
export const PlainText = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value === 'string') return toPlainText(value);
    if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? toPlainText(v) : v));
    return value;
  });

/**
 * A text field as every DTO declares it: cleaned by `@PlainText()`, then a string of
 * `minLength` (default 1, so markup alone is refused) to `maxLength` characters.
 */
export const TextField = (o: { maxLength: number; minLength?: number }) =>
  applyDecorators(PlainText(), IsString(), MinLength(o.minLength ?? 1), MaxLength(o.maxLength));
