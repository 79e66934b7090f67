import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import { textLength } from '../plain-text';

/**
 * At most `max` characters as a person counts them (code points, see `textLength`), unlike
 * `@MaxLength`, which discounts variation selectors. Put it after `@PlainText()` so it judges
 * the cleaned text.
 */
export const MaxTextLength = (max: number, options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'maxTextLength',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && textLength(value) <= max,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be at most $constraint1 characters`,
          options,
        ),
      },
    },
    options,
  );
