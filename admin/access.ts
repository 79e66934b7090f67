import type { ActionContext, ActionResponse, After, CurrentAdmin } from './adminjs-types';

/** Who may enter the back-office. Users with role `user` never get a session. */
export const PANEL_ROLES = ['admin', 'staff'] as const;
export type PanelRole = (typeof PANEL_ROLES)[number];

/** What the session keeps about the person logged in (never a password or hash). */
export interface PanelAdmin extends CurrentAdmin {
  id: string;
  email: string;
  title: string;
  role: PanelRole;
}

const roleOf = (ctx: { currentAdmin?: CurrentAdmin }) =>
  (ctx.currentAdmin as PanelAdmin | undefined)?.role;

/** `isAccessible` rules: AdminJS checks them on the server before running any action. */
export const staffOrAdmin = (ctx: ActionContext) => {
  const role = roleOf(ctx);
  return role === 'staff' || role === 'admin';
};
export const adminOnly = (ctx: ActionContext) => roleOf(ctx) === 'admin';

export const currentPanelAdmin = (ctx: ActionContext): PanelAdmin => {
  const admin = ctx.currentAdmin as PanelAdmin | undefined;
  if (!admin?.id) throw new Error('No back-office session');
  return admin;
};

const OFF = { isAccessible: false, isVisible: false };

/** Default actions of a resource nobody edits from the back-office. */
export const readOnlyActions = (who: (ctx: ActionContext) => boolean) => ({
  list: { isAccessible: who },
  search: { isAccessible: who },
  show: { isAccessible: who },
  new: OFF,
  edit: OFF,
  delete: OFF,
  bulkDelete: OFF,
});

/**
 * Last line of defence: whatever a resource loads, parameters that look like secrets never
 * leave in a response (the entities already keep hashes and ciphertexts out of SELECTs; the
 * OAuth views hold no client secret or token). `liveTokens`, `totalTokens` are counts: kept.
 */
const SECRET_PARAM = /(hash|encrypted|password|secret|access_?token|refresh_?token)/i;

type RecordLike = {
  params?: Record<string, unknown>;
  populated?: Record<string, RecordLike | null>;
};

function scrub(record: RecordLike | undefined | null) {
  if (!record?.params) return;
  for (const key of Object.keys(record.params)) {
    if (SECRET_PARAM.test(key)) delete record.params[key];
  }
  for (const populated of Object.values(record.populated ?? {})) scrub(populated);
}

export const scrubSecrets: After<ActionResponse> = async (response) => {
  scrub(response.record as RecordLike | undefined);
  for (const r of (response.records as RecordLike[] | undefined) ?? []) scrub(r);
  return response;
};
