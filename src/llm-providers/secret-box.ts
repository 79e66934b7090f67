import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12; // 96-bit IV, the GCM standard
const TAG_BYTES = 16;
/** HKDF-SHA256 parameters: changing them makes every stored secret unreadable. */
const HKDF_SALT = 'passerelle/secret-box/v1';
const HKDF_INFO = 'llm-provider-api-keys';

export class SecretUnreadableError extends Error {
  constructor(reason: string) {
    super(`Stored secret cannot be decrypted (${reason}): wrong ENCRYPTION_KEY or tampered data`);
    this.name = 'SecretUnreadableError';
  }
}

/**
 * AES-256-GCM with a fresh random 96-bit IV per encryption and a 128-bit tag. The 256-bit key
 * is derived from ENCRYPTION_KEY with HKDF-SHA256 (salt and info above), so any string of 32+
 * characters works as a master key. Stored as `iv_hex:tag_hex:data_hex`. A wrong master key or
 * a modified ciphertext fails authentication: decrypt throws, it never returns garbage.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKey: string) {
    if (masterKey.length < 32)
      throw new Error('The encryption master key must be at least 32 characters');
    this.key = Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, HKDF_INFO, 32));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${iv.toString('hex')}:${cipher.getAuthTag().toString('hex')}:${data.toString('hex')}`;
  }

  decrypt(stored: string): string {
    const parts = stored.split(':');
    if (parts.length !== 3 || !parts.every((p) => /^[0-9a-f]*$/.test(p))) {
      throw new SecretUnreadableError('not in iv:tag:data hex form');
    }
    const [iv, tag, data] = parts.map((p) => Buffer.from(p, 'hex'));
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new SecretUnreadableError('bad IV or tag length');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('authentication failed');
    }
  }
}
