import { DomainException } from '../src/common/errors/domain.exception';
import type { ActionContext, ActionRequest, ActionResponse, BaseRecord } from './adminjs-types';

type Payload = Record<string, unknown> | undefined;

/** Form fields arrive as strings (or JSON values from the custom components). */
export const text = (p: Payload, key: string): string | undefined => {
  const v = p?.[key];
  if (v === undefined || v === null) return undefined;
  return String(v).trim();
};

export const int = (p: Payload, key: string): number | undefined => {
  const v = text(p, key);
  return v === undefined || v === '' ? undefined : Number(v);
};

export const bool = (p: Payload, key: string): boolean | undefined => {
  const v = text(p, key);
  return v === undefined || v === '' ? undefined : v === 'true' || v === 'on';
};

/** '' clears a date; anything else must parse. */
export const date = (p: Payload, key: string): Date | null | undefined => {
  const v = text(p, key);
  if (v === undefined) return undefined;
  return v === '' ? null : new Date(v);
};

/** A deletion needs the word typed: one click on the wrong row must not destroy a key. */
export function confirmDeletion(payload: Payload) {
  if (text(payload, 'confirm') !== 'DELETE') {
    throw DomainException.invalidField('confirm', 'Type DELETE to confirm the deletion');
  }
}

export type Handler = (
  request: ActionRequest,
  response: unknown,
  context: ActionContext,
) => Promise<ActionResponse>;

/**
 * Runs a service call; a DomainException (bad input, conflict) comes back as an error
 * notice on the same page rather than a 500.
 */
export const guarded =
  (handler: Handler): Handler =>
  async (request, response, context) => {
    try {
      return await handler(request, response, context);
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      return {
        record: context.record?.toJSON(context.currentAdmin),
        notice: { message: err.message, type: 'error' },
      };
    }
  };

/**
 * A record action that acts on POST only: a GET (opening its form, following a link) shows the
 * record and changes nothing. Errors as in `guarded`.
 */
export const recordAction = (
  act: (
    record: BaseRecord,
    request: ActionRequest,
    context: ActionContext,
  ) => Promise<ActionResponse>,
): Handler =>
  guarded(async (request, _response, context) => {
    const record = context.record!;
    if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
    return act(record, request, context);
  });

/** The record as AdminJS serialises it, reloaded after a service changed it. */
export async function reloaded(context: ActionContext, id: string) {
  const record = await context.resource.findOne(id, context);
  if (!record) throw DomainException.notFound('Record');
  return record.toJSON(context.currentAdmin);
}

export const showUrl = (context: ActionContext, id: string) =>
  context.h.recordActionUrl({
    resourceId: context.resource._decorated?.id() ?? context.resource.id(),
    recordId: id,
    actionName: 'show',
  });

/** The resource's list page: where a record action goes once its record is gone. */
export const listUrl = (context: ActionContext) =>
  context.h.listUrl(context.resource._decorated?.id() ?? context.resource.id());
