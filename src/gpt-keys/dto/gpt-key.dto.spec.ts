import { DomainException } from '../../common/errors/domain.exception';
import { validateInput } from '../../common/http/validate-input';
import { GPT_KEY_RULES } from '../gpt-keys.rules';
import { CreateGptKeyDto, RotateGptKeyDto, UpdateGptKeyDto } from './gpt-key.dto';

/** The field errors validateInput refuses `plain` with. */
async function refusal(dto: new () => object, plain: object) {
  const err = await validateInput(dto, plain).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainException);
  return { message: (err as DomainException).message, details: (err as DomainException).details };
}

describe('GPT key DTOs', () => {
  const { rateLimitPerHour: RATE, graceSeconds: GRACE, name: NAME } = GPT_KEY_RULES;

  it('cleans the name to plain text before judging its length', async () => {
    expect((await validateInput(CreateGptKeyDto, { name: ' <b>Prod</b> GPT ' })).name).toBe(
      'Prod GPT',
    );
    expect(await refusal(CreateGptKeyDto, { name: '<script>x</script>' })).toEqual({
      message: 'Validation failed: name',
      details: [{ field: 'name', messages: ['name must be longer than or equal to 1 characters'] }],
    });
    await refusal(UpdateGptKeyDto, { name: 'x'.repeat(NAME.maxLength + 1) });
  });

  it('bounds the hourly limit and the grace period by the rules', async () => {
    await expect(
      validateInput(CreateGptKeyDto, { name: 'a', rateLimitPerHour: RATE.max }),
    ).resolves.toMatchObject({ rateLimitPerHour: RATE.max });
    expect(await refusal(UpdateGptKeyDto, { rateLimitPerHour: RATE.max + 1 })).toEqual({
      message: 'Validation failed: rateLimitPerHour',
      details: [
        {
          field: 'rateLimitPerHour',
          messages: [`rateLimitPerHour must not be greater than ${RATE.max}`],
        },
      ],
    });
    await refusal(UpdateGptKeyDto, { rateLimitPerHour: RATE.min - 1 });
    await expect(validateInput(RotateGptKeyDto, { graceSeconds: GRACE.max })).resolves.toEqual({
      graceSeconds: GRACE.max,
    });
    await refusal(RotateGptKeyDto, { graceSeconds: GRACE.max + 1 });
    await refusal(RotateGptKeyDto, { graceSeconds: GRACE.min - 1 });
  });

  it('reads an expiry as a future date; null removes it on update', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const dto = await validateInput(CreateGptKeyDto, { name: 'a', expiresAt: future });
    expect(dto.expiresAt).toEqual(new Date(future));
    expect((await validateInput(UpdateGptKeyDto, { expiresAt: null })).expiresAt).toBeNull();
    expect(
      await refusal(CreateGptKeyDto, { name: 'a', expiresAt: '2001-01-01T00:00:00Z' }),
    ).toEqual({
      message: 'Validation failed: expiresAt',
      details: [{ field: 'expiresAt', messages: ['expiresAt must be in the future'] }],
    });
  });
});
