import { Transform } from 'class-transformer';
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
