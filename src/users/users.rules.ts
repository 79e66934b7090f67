/**
 * User limits, in one place: the user and login DTOs and the CLI read them from here.
 * Constants only, no imports (config may import this leaf).
 */
export const USER_RULES = {
  /** Stored lower-cased; the column is varchar(254), the longest address SMTP allows. */
  email: { maxLength: 254 },
  /** Display name (varchar(120)); omitted at creation, it is the part of the email before @. */
  name: { minLength: 1, maxLength: 120 },
  /** The login form accepts up to `maxLength`, so no longer password could ever log in. */
  password: { minLength: 12, maxLength: 256 },
  /** Length of a generated password (shown once). */
  generatedPasswordLength: 20,
} as const;
