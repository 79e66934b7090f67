import { Param, PipeTransform } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';
import { isUuid } from '../text';

/**
 * A path id that must be a UUID. A malformed id answers the same 404 as an unknown one
 * (`<what> not found`): the caller learns nothing from the difference, and no query runs with
 * a value PostgreSQL would refuse.
 */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (typeof value !== 'string' || !isUuid(value)) throw DomainException.notFound(this.what);
    return value;
  }
}

/** `@UuidParam('GPT API key') id: string`: the `:id` path parameter through `UuidParamPipe`. */
export const UuidParam = (what: string, name = 'id'): ParameterDecorator =>
  Param(name, new UuidParamPipe(what));
