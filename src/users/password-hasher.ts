import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt as scryptCb, ScryptOptions, timingSafeEqual } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

/**
 * scrypt (N=2^15, r=8, p=1, 64-byte key, 16-byte salt): the OWASP minimum for scrypt.
 * Stored as `scrypt$N$r$p$salt_b64$hash_b64` so parameters can be raised later.
 */
@Injectable()
export class PasswordHasher {
  private readonly params = { N: 2 ** 15, r: 8, p: 1 };
  /** A hash of a random password, compared against when the user does not exist. */
  private readonly dummy = this.hash(randomBytes(16).toString('hex'));

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const { N, r, p } = this.params;
    const key = await scrypt(password, salt, 64, { N, r, p, maxmem: 128 * N * r * 2 });
    return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string | null | undefined): Promise<boolean> {
    // Same work whether or not the account exists, so timing does not reveal emails.
    const [scheme, n, r, p, salt, hash] = (stored ?? (await this.dummy)).split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const N = Number(n);
    const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
      N,
      r: Number(r),
      p: Number(p),
      maxmem: 128 * N * Number(r) * 2,
    });
    return stored !== null && stored !== undefined && timingSafeEqual(actual, expected);
  }
}
