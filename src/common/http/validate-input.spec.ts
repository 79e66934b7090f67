import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DomainException } from '../errors/domain.exception';
import { PlainText } from './plain-text.decorator';
import { validateInput } from './validate-input';
import { UuidParamPipe } from './uuid-param';

class SampleDto {
  @PlainText()
  @IsString()
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  count?: number;
}

describe('validateInput', () => {
  it('returns a DTO instance with @PlainText applied', async () => {
    const dto = await validateInput(SampleDto, { name: '<b>Dupont</b>', count: 3 });
    expect(dto).toBeInstanceOf(SampleDto);
    expect(dto).toEqual({ name: 'Dupont', count: 3 });
  });

  it('names each faulty field, like the HTTP pipe', async () => {
    const err = await validateInput(SampleDto, { count: 11, extra: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainException);
    const e = err as DomainException;
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toBe('Validation failed: extra, name, count');
    expect(e.details?.find((d) => d.field === 'count')?.messages).toEqual([
      'count must not be greater than 10',
    ]);
    expect(e.details?.find((d) => d.field === 'extra')?.messages).toEqual([
      'property extra should not exist',
    ]);
  });

  it('treats a missing input as an empty object', async () => {
    await expect(validateInput(SampleDto, undefined)).rejects.toMatchObject({
      message: 'Validation failed: name',
    });
  });
});

describe('UuidParamPipe', () => {
  const pipe = new UuidParamPipe('Feedback');

  it('passes a UUID through', () => {
    expect(pipe.transform('0b3c6e0e-8e7b-4c59-9c1d-2d4d1b6f6a10')).toBe(
      '0b3c6e0e-8e7b-4c59-9c1d-2d4d1b6f6a10',
    );
  });

  it('answers the not-found error for a malformed id', () => {
    expect(() => pipe.transform("1' OR 1=1")).toThrow('Feedback not found');
  });
});
