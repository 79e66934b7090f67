import { DomainException } from '../../common/errors/domain.exception';
import { validateInput } from '../../common/http/validate-input';
import { USER_RULES } from '../users.rules';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto } from './user.dto';

async function refusal(dto: new () => object, plain: object) {
  const err = await validateInput(dto, plain).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainException);
  return { message: (err as DomainException).message, details: (err as DomainException).details };
}

describe('User DTOs', () => {
  const { password: PASSWORD } = USER_RULES;

  it('takes an email, a known role, an optional name and password', async () => {
    await expect(
      validateInput(CreateUserDto, { email: ' marie@example.fr ', role: 'staff' }),
    ).resolves.toEqual({ email: 'marie@example.fr', role: 'staff' });
    expect(await refusal(CreateUserDto, { email: 'marie', role: 'boss' })).toEqual({
      message: 'Validation failed: email, role',
      details: [
        { field: 'email', messages: ['email must be an email'] },
        {
          field: 'role',
          messages: ['role must be one of the following values: admin, staff, user'],
        },
      ],
    });
  });

  it('asks the same password length wherever a password is set', async () => {
    const short = 'x'.repeat(PASSWORD.minLength - 1);
    const problem = `password must be at least ${PASSWORD.minLength} characters`;
    for (const [dto, plain] of [
      [CreateUserDto, { email: 'a@example.fr', role: 'user', password: short }],
      [ResetPasswordDto, { password: short }],
    ] as const) {
      expect((await refusal(dto, plain)).details).toEqual([
        { field: 'password', messages: [problem] },
      ]);
    }
    await refusal(ResetPasswordDto, { password: 'x'.repeat(PASSWORD.maxLength + 1) });
  });

  it('refuses an empty name on update (markup removed first)', async () => {
    expect((await refusal(UpdateUserDto, { name: '<b></b>' })).message).toBe(
      'Validation failed: name',
    );
  });
});
