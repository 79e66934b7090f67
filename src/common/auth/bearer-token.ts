import type { Request } from 'express';

/** The token of an `Authorization: Bearer <token>` header, '' if the header is absent. */
export function readBearer(req: Request): { present: boolean; token: string | null } {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return { present: false, token: null };
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim());
  return { present: true, token: match ? match[1] : null };
}
