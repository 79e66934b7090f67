import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { DomainException } from '../errors/domain.exception';
import { createValidationPipe } from './validation.pipe';

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @IsOptional()
  @IsString()
  sort: string = 'date';
}

class NeedsName {
  @IsString()
  name!: string;
}

class WithList {
  @IsOptional()
  @IsString({ each: true })
  tags: string[] = [];
}

const query = (metatype: new () => object): ArgumentMetadata => ({ type: 'query', metatype });

/** Counts the pipe's class-validator runs (ValidationPipe.validate). */
function countValidations(pipe: object): () => number {
  const spy = jest.spyOn(pipe as { validate: (...args: unknown[]) => unknown }, 'validate');
  return () => spy.mock.calls.length;
}

async function failure(promise: Promise<unknown>): Promise<DomainException> {
  const err: unknown = await promise.then(
    () => new Error('expected a validation failure'),
    (e: unknown) => e,
  );
  if (!(err instanceof DomainException)) throw err;
  return err;
}

describe('AppValidationPipe', () => {
  it('answers an empty input like the full pipe, with a new instance every time', async () => {
    const pipe = createValidationPipe();
    const validations = countValidations(pipe);
    const first = await pipe.transform({}, query(PageQuery));
    const second = await pipe.transform({}, query(PageQuery));
    const third = await pipe.transform({}, query(PageQuery));
    expect(validations()).toBe(1); // the first time only

    expect(first).toBeInstanceOf(PageQuery);
    expect(second).toBeInstanceOf(PageQuery);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(second).not.toBe(first);
    expect(third).not.toBe(second);
    expect(first).toMatchObject({ sort: 'date' });
    // A handler changing its DTO does not change what the next request gets.
    (second as PageQuery).sort = 'changed';
    expect(await pipe.transform({}, query(PageQuery))).toMatchObject({ sort: 'date' });
  });

  it('treats an empty query string (an object without prototype) like {}', async () => {
    const pipe = createValidationPipe();
    const validations = countValidations(pipe);
    const emptyQuery = Object.create(null) as Record<string, never>;
    const first = await pipe.transform(emptyQuery, query(PageQuery));
    const second = await pipe.transform(Object.create(null), query(PageQuery));
    expect(validations()).toBe(1);
    expect(second).toBeInstanceOf(PageQuery);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  it('still validates inputs that are not empty', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({}, query(PageQuery));
    await expect(pipe.transform({ offset: '3' }, query(PageQuery))).resolves.toMatchObject({
      offset: 3,
    });
    const err = await failure(pipe.transform({ offset: '-1' }, query(PageQuery)));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details?.map((d) => d.field)).toEqual(['offset']);
    const unknown = await failure(pipe.transform({ other: 'x' }, query(PageQuery)));
    expect(unknown.details?.map((d) => d.field)).toEqual(['other']);
  });

  it('refuses an empty input every time when the DTO has required fields', async () => {
    const pipe = createValidationPipe();
    const validations = countValidations(pipe);
    for (let i = 0; i < 3; i++) {
      const err = await failure(pipe.transform({}, query(NeedsName)));
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.details?.map((d) => d.field)).toEqual(['name']);
    }
    expect(validations()).toBe(3);
  });

  it('never hands two requests the same object inside a DTO', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({}, query(WithList))) as WithList;
    first.tags.push('leaked');
    const second = (await pipe.transform({}, query(WithList))) as WithList;
    expect(second.tags).toEqual([]);
    expect(second.tags).not.toBe(first.tags);
  });

  it('leaves primitives and inputs without a DTO class alone', async () => {
    const pipe = createValidationPipe();
    await expect(pipe.transform('abc', { type: 'param', metatype: String })).resolves.toBe('abc');
    const raw = {};
    await expect(pipe.transform(raw, { type: 'body' })).resolves.toBe(raw);
  });
});
