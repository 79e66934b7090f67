import { validateInput } from '../../src/common/http/validate-input';
import {
  CreateGptKeyDto,
  RotateGptKeyDto,
  UpdateGptKeyDto,
} from '../../src/gpt-keys/dto/gpt-key.dto';
import { GptApiKeyEntity } from '../../src/gpt-keys/entities/gpt-api-key.entity';
import { GPT_KEY_RULES } from '../../src/gpt-keys/gpt-keys.rules';
import type { GptKeysService } from '../../src/gpt-keys/gpt-keys.service';
import { adminOnly, currentPanelAdmin, readOnlyActions, staffOrAdmin } from '../access';
import type { ActionResponse, After, ResourceWithOptions } from '../adminjs-types';
import type { PanelComponents } from '../components';
import {
  bool,
  confirmDeletion,
  date,
  guarded,
  int,
  listUrl,
  recordAction,
  reloaded,
  showUrl,
  text,
} from '../handlers';

const { rateLimitPerHour: RATE, graceSeconds: GRACE } = GPT_KEY_RULES;

/** Adds what a list or page shows but no column holds: the masked key and the status. */
const describeKeys: After<ActionResponse> = async (response) => {
  const records = [response.record, ...((response.records as unknown[]) ?? [])] as (
    { params: Record<string, unknown> } | undefined
  )[];
  for (const r of records) {
    if (!r?.params?.displayPrefix) continue;
    r.params.maskedKey = `${String(r.params.displayPrefix)}…`;
    const expiresAt = r.params.expiresAt ? new Date(String(r.params.expiresAt)) : null;
    r.params.status =
      r.params.isActive === false || r.params.isActive === 'false'
        ? 'inactive'
        : expiresAt && expiresAt.getTime() <= Date.now()
          ? 'expired'
          : 'active';
  }
  return response;
};

export function gptKeysResource(
  keys: GptKeysService,
  components: PanelComponents,
): ResourceWithOptions {
  return {
    resource: GptApiKeyEntity,
    options: {
      id: 'gpt-keys',
      navigation: { name: 'GPT', icon: 'Key' },
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: [
        'name',
        'maskedKey',
        'status',
        'rateLimitPerHour',
        'usageCount',
        'lastUsedAt',
        'expiresAt',
      ],
      filterProperties: ['name', 'displayPrefix', 'isActive', 'lastUsedAt', 'expiresAt'],
      showProperties: [
        'id',
        'name',
        'maskedKey',
        'status',
        'rateLimitPerHour',
        'usageCount',
        'lastUsedAt',
        'expiresAt',
        'createdById',
        'replacedById',
        'createdAt',
        'updatedAt',
      ],
      editProperties: ['name', 'rateLimitPerHour', 'expiresAt', 'isActive'],
      properties: {
        keyHash: { isVisible: false },
        createdById: { reference: 'users' },
        displayPrefix: { isVisible: { list: false, show: false, edit: false, filter: true } },
        maskedKey: {
          type: 'string',
          isVisible: { list: true, show: true, edit: false, filter: false },
        },
        status: {
          type: 'string',
          isVisible: { list: true, show: true, edit: false, filter: false },
        },
        rateLimitPerHour: {
          type: 'number',
          description: `Requests per hour, ${RATE.min} to ${RATE.max}`,
        },
      },
      actions: {
        ...readOnlyActions(staffOrAdmin),
        list: { isAccessible: staffOrAdmin, after: describeKeys },
        show: { isAccessible: staffOrAdmin, after: describeKeys },
        edit: {
          isAccessible: adminOnly,
          handler: recordAction(async (record, request, context) => {
            const p = request.payload;
            const id = String(record.id());
            const patch = await validateInput(UpdateGptKeyDto, {
              name: text(p, 'name'),
              rateLimitPerHour: int(p, 'rateLimitPerHour'),
              expiresAt: date(p, 'expiresAt'),
              isActive: bool(p, 'isActive'),
            });
            await keys.update(id, patch);
            return {
              record: await reloaded(context, id),
              redirectUrl: showUrl(context, id),
              notice: { message: 'Key updated: the API applies it at once', type: 'success' },
            };
          }),
        },
        newKey: {
          actionType: 'resource',
          icon: 'Plus',
          variant: 'primary',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro: 'Creates a key for one Custom GPT. Its full value is shown once, here.',
            submitLabel: 'Create key',
            secretLabel: 'New GPT API key',
            fields: [
              { name: 'name', label: 'Name', type: 'text', required: true },
              {
                name: 'rateLimitPerHour',
                label: `Requests per hour (${RATE.min} to ${RATE.max}; default ${RATE.default} unless GPT_DEFAULT_RATE_LIMIT is set)`,
                type: 'number',
              },
              { name: 'expiresAt', label: 'Expires at (optional)', type: 'datetime-local' },
            ],
          },
          handler: guarded(async (request, _response, context) => {
            if (request.method !== 'post') return {};
            const p = request.payload;
            const dto = await validateInput(CreateGptKeyDto, {
              name: text(p, 'name') ?? '',
              rateLimitPerHour: int(p, 'rateLimitPerHour'),
              expiresAt: date(p, 'expiresAt'),
            });
            const { key, plaintext } = await keys.create(dto, currentPanelAdmin(context).id);
            return {
              record: await reloaded(context, key.id),
              secret: plaintext,
              notice: { message: `Key "${key.name}" created`, type: 'success' },
            };
          }),
        },
        rotate: {
          actionType: 'record',
          icon: 'RefreshCw',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro:
              'Issues a new key with the same settings. The old key stops at once, or after the grace period.',
            submitLabel: 'Rotate key',
            secretLabel: 'Replacement GPT API key',
            fields: [
              {
                name: 'graceSeconds',
                label: `Grace period (seconds, ${GRACE.min} to ${GRACE.max}; default ${GRACE.default})`,
                type: 'number',
              },
            ],
          },
          handler: recordAction(async (record, request, context) => {
            const dto = await validateInput(RotateGptKeyDto, {
              graceSeconds: int(request.payload, 'graceSeconds'),
            });
            const { key, plaintext } = await keys.rotate(String(record.id()), dto);
            return {
              record: await reloaded(context, key.id),
              secret: plaintext,
              notice: { message: 'Key rotated', type: 'success' },
            };
          }),
        },
        removeKey: {
          actionType: 'record',
          icon: 'Trash2',
          variant: 'danger',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro:
              'Deletes the key: GPTs and assistants using it get 401 at once (every instance, with Redis). Its analyses stay.',
            submitLabel: 'Delete key',
            variant: 'danger',
            fields: [
              { name: 'confirm', label: 'Type DELETE to confirm', type: 'text', required: true },
            ],
          },
          handler: recordAction(async (record, request, context) => {
            confirmDeletion(request.payload);
            const name = String(record.params.name);
            await keys.remove(String(record.id()));
            return {
              record: record.toJSON(context.currentAdmin),
              redirectUrl: listUrl(context),
              notice: { message: `Key "${name}" deleted`, type: 'success' },
            };
          }),
        },
        deactivate: {
          actionType: 'record',
          icon: 'Slash',
          variant: 'danger',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro: 'GPTs using this key get 401 within seconds. This cannot be undone here.',
            submitLabel: 'Deactivate key',
            variant: 'danger',
          },
          handler: recordAction(async (record, request, context) => {
            const id = String(record.id());
            await keys.deactivate(id);
            return {
              record: await reloaded(context, id),
              redirectUrl: showUrl(context, id),
              notice: { message: 'Key deactivated', type: 'success' },
            };
          }),
        },
      },
    },
  };
}
