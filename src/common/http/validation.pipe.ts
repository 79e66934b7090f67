import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainException, FieldError } from '../errors/domain.exception';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints
      ? [{ field, messages: Object.values(e.constraints).map((m) => m.replace(e.property, field)) }]
      : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The one validation pipe: strips nothing silently, refuses unknown fields, names each field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new DomainException(
        'VALIDATION_FAILED',
        `Validation failed: ${[...new Set(details.map((d) => d.field))].join(', ')}`,
        details,
      );
    },
  });
}
