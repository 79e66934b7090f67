import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * A message's `content`: a string, or an array of `{ type: "text", text }` parts (what the
 * OpenAI SDK sends for multi-part messages), at most `maxChars` characters in all. Images,
 * audio and files are refused by name, not dropped.
 */
export function IsChatContent(bounds: { maxChars: number }, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isChatContent',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => {
          const text = contentText(value);
          return text !== null && text.length > 0 && text.length <= bounds.maxChars;
        },
        defaultMessage: () =>
          `${propertyName} must be a non-empty text (or text parts), at most ${bounds.maxChars} characters; images, audio and files are not supported`,
      },
    });
}

/** The text of a content value, or null when it is not text. */
export function contentText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) return null;
  let text = '';
  for (const part of value as unknown[]) {
    const p = part as { type?: unknown; text?: unknown } | null;
    if (!p || p.type !== 'text' || typeof p.text !== 'string') return null;
    text += p.text;
  }
  return text;
}
