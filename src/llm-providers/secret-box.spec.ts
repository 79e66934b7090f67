import { SecretBox, SecretUnreadableError } from './secret-box';

describe(SecretBox.name, () => {
  const sut = new SecretBox('a-master-key-of-at-least-32-characters!!');

  it('round-trips a provider key in iv_hex:tag_hex:data_hex form', () => {
    const stored = sut.encrypt('sk-proj-abc123');
    expect(stored).toMatch(/^[0-9a-f]{24}:[0-9a-f]{32}:[0-9a-f]+$/);
    expect(stored).not.toContain('sk-proj');
    expect(sut.decrypt(stored)).toBe('sk-proj-abc123');
  });

  it('uses a fresh IV every time (no repeat over 10,000 encryptions)', () => {
    const ivs = new Set(
      Array.from({ length: 10_000 }, () => sut.encrypt('same secret').split(':')[0]),
    );
    expect(ivs.size).toBe(10_000);
  });

  it('detects any tampering (data, tag or IV)', () => {
    const [iv, tag, data] = sut.encrypt('sk-ant-secret').split(':');
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    for (const bad of [
      `${iv}:${tag}:${flip(data)}`,
      `${iv}:${flip(tag)}:${data}`,
      `${flip(iv)}:${tag}:${data}`,
    ]) {
      expect(() => sut.decrypt(bad)).toThrow(SecretUnreadableError);
    }
    expect(() => sut.decrypt('garbage')).toThrow(SecretUnreadableError);
  });

  it('refuses to decrypt with another master key instead of returning garbage', () => {
    const stored = sut.encrypt('gsk_secret');
    expect(() => new SecretBox('another-master-key-of-32-characters!!!!').decrypt(stored)).toThrow(
      /wrong ENCRYPTION_KEY/,
    );
  });
});
