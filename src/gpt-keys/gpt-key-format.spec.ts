import { GptKeyFormat } from './gpt-key-format';

describe(GptKeyFormat.name, () => {
  const sut = new GptKeyFormat('torp_gpt_');

  it('generates the prefix plus 64 characters of [A-Za-z0-9] that pass its own check', () => {
    const { plaintext, hash, displayPrefix } = sut.generate();
    expect(plaintext).toMatch(/^torp_gpt_[A-Za-z0-9]{64}$/);
    expect(sut.isWellFormed(plaintext)).toBe(true);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(displayPrefix).toBe(plaintext.slice(0, 13));
  });

  it('never repeats a key over many draws', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => sut.generate().plaintext));
    expect(keys.size).toBe(2000);
  });

  it('refuses a key with one character changed (checksum) without any lookup', () => {
    const { plaintext } = sut.generate();
    const i = 20;
    const swapped = plaintext[i] === 'a' ? 'b' : 'a';
    const typo = plaintext.slice(0, i) + swapped + plaintext.slice(i + 1);
    expect(sut.isWellFormed(typo)).toBe(false);
  });

  it.each([
    ['wrong prefix', 'sk-proj-' + 'a'.repeat(64)],
    ['too short', 'torp_gpt_' + 'a'.repeat(63)],
    ['bad characters', 'torp_gpt_' + '-'.repeat(64)],
    ['empty', ''],
  ])('refuses a key with %s', (_, key) => {
    expect(sut.isWellFormed(key)).toBe(false);
  });

  it('masks a display prefix for lists', () => {
    expect(GptKeyFormat.mask('torp_gpt_abcd')).toBe('torp_gpt_abcd***');
  });
});
