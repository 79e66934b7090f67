import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
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

type Dto = new () => object;

/** `{}`, or an empty query (Express parses query strings into objects without prototype). */
function isEmptyPlainObject(value: unknown): value is Record<string, never> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.keys(value).length === 0;
}

const isPrimitive = (value: unknown) =>
  value === null || (typeof value !== 'object' && typeof value !== 'function');

/**
 * ValidationPipe that remembers what an empty input (`{}`: a GET without query string, a POST
 * with an empty body) becomes for each DTO class. Transforming and validating `{}` gives the
 * same answer every time, and class-transformer plus class-validator cost a few tens of µs per
 * request (`npm run bench`, gpt-devis): the first empty input of a DTO goes through the full
 * pipe; afterwards a valid one gets a fresh instance with the same fields, and an invalid one
 * still takes the full path (so its error is built as always). Only DTOs whose result holds
 * primitives only are remembered, so no request can share an object with another.
 */
export class AppValidationPipe extends ValidationPipe {
  private readonly emptyResults = new WeakMap<Dto, Record<string, unknown> | null>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype as Dto | undefined;
    if (!dto || !isEmptyPlainObject(value) || !this.toValidate(metadata)) {
      return super.transform(value, metadata);
    }
    const known = this.emptyResults.get(dto);
    if (known) return Object.assign(new dto(), known);
    if (known === null) return super.transform(value, metadata);
    let result: unknown;
    try {
      result = await super.transform(value, metadata);
    } catch (err) {
      this.emptyResults.set(dto, null);
      throw err;
    }
    const fields = { ...(result as Record<string, unknown>) };
    const reusable =
      Object.getPrototypeOf(result) === dto.prototype && Object.values(fields).every(isPrimitive);
    this.emptyResults.set(dto, reusable ? fields : null);
    return result;
  }
}

/** The one validation pipe: strips nothing silently, refuses unknown fields, names each field. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainException.validation(flatten(errors)),
  });
}
