import { createHash } from 'node:crypto';
import { base62, randomAlphanumeric, sha256Hex } from '../common/crypto';

const RANDOM_LENGTH = 60;
const CHECKSUM_LENGTH = 4;
const DISPLAY_CHARS = 4;

/**
 * `<prefix><60 random [A-Za-z0-9]><4-char checksum>`: 64 characters after the prefix, ~357 bits
 * of entropy. The checksum lets the guard refuse a mistyped or made-up key without a
 * database lookup (a random string passes with probability 1 in 62^4 ≈ 14.8 million).
 */
export class GptKeyFormat {
  private readonly pattern: RegExp;

  constructor(readonly prefix: string) {
    this.pattern = new RegExp(`^${prefix}[A-Za-z0-9]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);
  }

  generate(): { plaintext: string; hash: string; displayPrefix: string } {
    const random = randomAlphanumeric(RANDOM_LENGTH);
    const plaintext = this.prefix + random + this.checksum(random);
    return { plaintext, hash: sha256Hex(plaintext), displayPrefix: this.displayPrefix(plaintext) };
  }

  /** Prefix, length and alphabet only (no checksum). */
  hasShape(candidate: string): boolean {
    return this.pattern.test(candidate);
  }

  isWellFormed(candidate: string): boolean {
    if (!this.hasShape(candidate)) return false;
    const body = candidate.slice(this.prefix.length);
    const random = body.slice(0, RANDOM_LENGTH);
    return body.slice(RANDOM_LENGTH) === this.checksum(random);
  }

  /** `torp_gpt_abcd`: the prefix and the first four random characters. */
  displayPrefix(plaintext: string): string {
    return plaintext.slice(0, this.prefix.length + DISPLAY_CHARS);
  }

  static mask(displayPrefix: string): string {
    return `${displayPrefix}***`;
  }

  private checksum(random: string): string {
    const digest = createHash('sha256')
      .update(this.prefix + random)
      .digest();
    return base62(digest.readUInt32BE(0) % 62 ** CHECKSUM_LENGTH, CHECKSUM_LENGTH);
  }
}
