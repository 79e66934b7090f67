import { PasswordHasher } from './password-hasher';

describe(PasswordHasher.name, () => {
  const sut = new PasswordHasher();

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await sut.hash('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    await expect(sut.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(sut.verify('correct horse batterY', hash)).resolves.toBe(false);
  });

  it('salts: the same password never hashes the same', async () => {
    expect(await sut.hash('same password')).not.toBe(await sut.hash('same password'));
  });

  it('refuses when there is no stored hash (unknown user), still doing the work', async () => {
    await expect(sut.verify('anything', undefined)).resolves.toBe(false);
    await expect(sut.verify('anything', 'md5$abc')).resolves.toBe(false);
  });
});
