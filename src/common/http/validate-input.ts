import type { ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe } from './validation.pipe';

const pipe = createValidationPipe();

/**
 * The one input contract outside HTTP: CLI commands, back-office handlers and anything else that
 * calls a service with input a person typed go through the same DTO, the same pipe and the same
 * settings as a request body, so the same mistake gets the same `VALIDATION_FAILED` message
 * everywhere (unknown fields refused, `@PlainText()` applied, each field named).
 */
export async function validateInput<T extends object>(
  dto: new () => T,
  plain: unknown,
): Promise<T> {
  const metadata: ArgumentMetadata = { type: 'body', metatype: dto, data: undefined };
  return (await pipe.transform(plain ?? {}, metadata)) as T;
}
