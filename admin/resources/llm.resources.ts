import type { AuthenticatedUser } from '../../src/common/auth/principal';
import { DomainException } from '../../src/common/errors/domain.exception';
import { validateInput } from '../../src/common/http/validate-input';
import {
  CreateLlmKeyDto,
  TestLlmKeyDto,
  UpdateLlmKeyDto,
} from '../../src/llm-providers/dto/llm-key.dto';
import {
  LLM_PROVIDERS,
  LlmApiKeyEntity,
} from '../../src/llm-providers/entities/llm-api-key.entity';
import {
  LLM_CALL_STATUSES,
  LlmUsageLogEntity,
} from '../../src/llm-providers/entities/llm-usage-log.entity';
import type { LlmKeyTestService } from '../../src/llm-providers/llm-key-test.service';
import type { LlmKeysService } from '../../src/llm-providers/llm-keys.service';
import type { UsageLogFilter } from '../../src/llm-providers/usage/llm-usage.repository';
import type { LlmUsageService } from '../../src/llm-providers/usage/llm-usage.service';
import type { UsersService } from '../../src/users/users.service';
import { adminOnly, currentPanelAdmin, readOnlyActions, staffOrAdmin } from '../access';
import type { ActionContext, ActionResponse, After, ResourceWithOptions } from '../adminjs-types';
import type { PanelComponents } from '../components';
import {
  bool,
  confirmDeletion,
  guarded,
  int,
  listUrl,
  recordAction,
  reloaded,
  showUrl,
  text,
} from '../handlers';

const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));

/** Usage log filters as AdminJS sends them (`filters.provider=…`, `filters.createdAt~~from=…`). */
export function usageFilter(query: Record<string, unknown> | undefined): UsageLogFilter {
  const f = (key: string) => {
    const v = query?.[`filters.${key}`];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const date = (key: string) => {
    const v = f(key);
    const d = v === undefined ? undefined : new Date(v);
    return d && !Number.isNaN(d.getTime()) ? d : undefined;
  };
  const isMock = f('isMock');
  return {
    provider: f('provider'),
    // Same semantics as the list's own filter (@adminjs/typeorm: LIKE '%value%').
    modelContains: f('model'),
    status: f('status'),
    userId: f('userId'),
    keyId: f('keyId'),
    isMock: isMock === undefined ? undefined : isMock === 'true',
    from: date('createdAt~~from'),
    to: date('createdAt~~to'),
    toInclusive: true,
  };
}

/** Totals of the filtered usage logs, shown above the list as a notice. */
const usageTotals =
  (usage: Pick<LlmUsageService, 'totals'>): After<ActionResponse> =>
  async (response, request) => {
    const t = await usage.totals(usageFilter(request.query as Record<string, unknown>));
    const totals = {
      calls: t.calls,
      tokens: t.totalTokens,
      costUsd: t.costMicroUsd / 1e6,
      unpricedCalls: t.unpricedCalls,
      avgLatencyMs: t.averageLatencyMs,
      failed: t.failed,
    };
    response.meta = { ...(response.meta as object), totals };
    response.notice = {
      type: 'info',
      message:
        `Totals for this filter: ${totals.calls} calls (${totals.failed} failed), ` +
        `${totals.tokens} tokens, $${totals.costUsd.toFixed(4)}` +
        // The dollar figure covers priced calls only: say how many it leaves out.
        (totals.unpricedCalls
          ? ` (+ ${totals.unpricedCalls} unpriced call(s), cost unknown)`
          : '') +
        (totals.avgLatencyMs === null ? '' : `, average latency ${totals.avgLatencyMs} ms`),
    };
    return response;
  };

export function llmUsageResource(usage: Pick<LlmUsageService, 'totals'>): ResourceWithOptions {
  return {
    resource: LlmUsageLogEntity,
    options: {
      id: 'llm-usage',
      navigation: { name: 'LLM', icon: 'Activity' },
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: [
        'createdAt',
        'provider',
        'model',
        'status',
        'totalTokens',
        'costMicroUsd',
        'latencyMs',
        'userId',
        'keyId',
      ],
      filterProperties: ['provider', 'model', 'status', 'userId', 'keyId', 'isMock', 'createdAt'],
      properties: {
        provider: { availableValues: options([...LLM_PROVIDERS, 'mock']) },
        status: { availableValues: options(LLM_CALL_STATUSES) },
        costMicroUsd: {
          type: 'number',
          description:
            'Cost in millionths of a US dollar; empty: the price was unknown (unpriced, see npm run llm:reprice)',
        },
        latencyMs: { type: 'number' },
        userId: { type: 'string' },
        keyId: { type: 'string' },
      },
      actions: {
        ...readOnlyActions(staffOrAdmin),
        list: { isAccessible: staffOrAdmin, after: usageTotals(usage) },
      },
    },
  };
}

/** The principal LlmKeysService expects: the admin acting, or the owner a key is created for. */
const principal = (u: {
  id: string;
  email: string;
  name: string;
  role: AuthenticatedUser['role'];
}) =>
  ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    sessionId: '',
  }) satisfies AuthenticatedUser;

const actingAdmin = (context: ActionContext) => {
  const a = currentPanelAdmin(context);
  return principal({ id: a.id, email: a.email, name: a.title, role: 'admin' });
};

/** The key test (LlmKeyTestService: one minimal call through the LLM gateway). */
export type LlmKeyTester = () => Pick<LlmKeyTestService, 'test'>;

export function llmKeysResource(
  llmKeys: LlmKeysService,
  tester: LlmKeyTester,
  users: UsersService,
  components: PanelComponents,
): ResourceWithOptions {
  const update = (label: string, patch: { isActive?: boolean; isDefault?: boolean }) =>
    recordAction(async (record, request, context) => {
      const id = String(record.id());
      await llmKeys.update(actingAdmin(context), id, patch);
      return {
        record: await reloaded(context, id),
        redirectUrl: showUrl(context, id),
        notice: { message: label, type: 'success' },
      };
    });

  return {
    resource: LlmApiKeyEntity,
    options: {
      id: 'llm-keys',
      navigation: { name: 'LLM', icon: 'Activity' },
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: [
        'name',
        'provider',
        'keyPrefix',
        'userId',
        'isActive',
        'isDefault',
        'usageCount',
        'lastUsedAt',
      ],
      filterProperties: ['provider', 'name', 'userId', 'isActive', 'isDefault'],
      showProperties: [
        'id',
        'name',
        'provider',
        'keyPrefix',
        'userId',
        'isActive',
        'isDefault',
        'usageCount',
        'lastUsedAt',
        'monthlyBudgetMicroUsd',
        'createdAt',
        'updatedAt',
      ],
      properties: {
        encryptedKey: { isVisible: false },
        userId: { reference: 'users' },
        metadata: { isVisible: false },
        provider: { availableValues: options(LLM_PROVIDERS) },
        keyPrefix: { description: 'Enough to recognise the key; the rest is never shown' },
      },
      actions: {
        ...readOnlyActions(adminOnly),
        newLlmKey: {
          actionType: 'resource',
          icon: 'Plus',
          variant: 'primary',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro: 'The key is encrypted at rest and never shown again, not even here.',
            submitLabel: 'Store key',
            fields: [
              {
                name: 'provider',
                label: 'Provider',
                type: 'select',
                options: LLM_PROVIDERS,
                value: 'openai',
              },
              { name: 'name', label: 'Name', type: 'text', required: true },
              { name: 'apiKey', label: 'Provider API key', type: 'password', required: true },
              { name: 'ownerEmail', label: 'Owner email (empty: you)', type: 'email' },
              { name: 'isDefault', label: 'Default key for this provider', type: 'checkbox' },
            ],
          },
          handler: guarded(async (request, _response, context) => {
            if (request.method !== 'post') return {};
            const p = request.payload;
            const ownerEmail = text(p, 'ownerEmail');
            let owner = actingAdmin(context);
            if (ownerEmail) {
              const user = await users.findActiveByEmail(ownerEmail);
              if (!user) throw new DomainException('NOT_FOUND', `No active user ${ownerEmail}`);
              owner = principal(user);
            }
            const dto = await validateInput(CreateLlmKeyDto, {
              provider: text(p, 'provider') ?? '',
              name: text(p, 'name') ?? '',
              apiKey: text(p, 'apiKey') ?? '',
              isDefault: bool(p, 'isDefault') || undefined,
            });
            const key = await llmKeys.create(owner, dto);
            return {
              record: await reloaded(context, key.id),
              redirectUrl: showUrl(context, key.id),
              notice: { message: `Key "${key.name}" stored`, type: 'success' },
            };
          }),
        },
        test: {
          actionType: 'record',
          icon: 'Zap',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro:
              'One real, minimal call to the provider with this key (one output token, logged in the usage logs).',
            submitLabel: 'Test key',
            fields: [{ name: 'model', label: 'Model (empty: the default)', type: 'text' }],
          },
          handler: recordAction(async (record, request, context) => {
            const dto = await validateInput(TestLlmKeyDto, {
              model: text(request.payload, 'model') || undefined,
            });
            const report = await tester().test(actingAdmin(context), String(record.id()), dto);
            const message = report.ok
              ? `${report.provider} accepted the key: ${report.model} answered in ${report.latencyMs} ms`
              : `${report.provider} test failed (${report.error?.code}): ${report.error?.message}`;
            return {
              record: record.toJSON(context.currentAdmin),
              result: { ok: report.ok, message },
            };
          }),
        },
        editKey: {
          actionType: 'record',
          icon: 'Edit',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro:
              'The stored secret is never shown: leave the key field empty to keep it, or paste a new one to replace it.',
            submitLabel: 'Save',
            fields: [
              { name: 'name', label: 'Name', type: 'text', required: true, fromRecord: 'name' },
              {
                name: 'monthlyBudgetUsd',
                label: 'Monthly budget in US dollars (empty: none)',
                type: 'number',
                fromRecord: 'monthlyBudgetMicroUsd',
                scale: 1e-6,
              },
              { name: 'isActive', label: 'Active', type: 'checkbox', fromRecord: 'isActive' },
              {
                name: 'isDefault',
                label: 'Default key for this provider',
                type: 'checkbox',
                fromRecord: 'isDefault',
              },
              { name: 'apiKey', label: 'Replace the key (optional)', type: 'password' },
            ],
          },
          handler: recordAction(async (record, request, context) => {
            const p = request.payload;
            const id = String(record.id());
            const budget = text(p, 'monthlyBudgetUsd');
            const dto = await validateInput(UpdateLlmKeyDto, {
              name: text(p, 'name'),
              monthlyBudgetUsd: budget === '' ? null : int(p, 'monthlyBudgetUsd'),
              isActive: bool(p, 'isActive') ?? false,
              isDefault: bool(p, 'isDefault') ?? false,
              apiKey: text(p, 'apiKey') || undefined,
            });
            await llmKeys.update(actingAdmin(context), id, dto);
            return {
              record: await reloaded(context, id),
              redirectUrl: showUrl(context, id),
              notice: { message: 'Key updated: calls use it at once', type: 'success' },
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
              'Deletes the stored key. Calls with it stop at once on every instance; its usage logs stay (without the link).',
            submitLabel: 'Delete key',
            variant: 'danger',
            fields: [
              {
                name: 'confirm',
                label: 'Type DELETE to confirm',
                type: 'text',
                required: true,
              },
            ],
          },
          handler: recordAction(async (record, request, context) => {
            confirmDeletion(request.payload);
            const name = String(record.params.name);
            await llmKeys.remove(actingAdmin(context), String(record.id()));
            return {
              record: record.toJSON(context.currentAdmin),
              redirectUrl: listUrl(context),
              notice: { message: `Key "${name}" deleted`, type: 'success' },
            };
          }),
        },
        setDefault: {
          actionType: 'record',
          icon: 'Star',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro: 'Calls that name no key use this one for its owner and provider.',
            submitLabel: 'Make default',
          },
          handler: update('Now the default key', { isDefault: true }),
        },
        deactivate: {
          actionType: 'record',
          icon: 'Slash',
          variant: 'danger',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro: 'Calls with this key stop at once.',
            submitLabel: 'Deactivate',
            variant: 'danger',
          },
          handler: update('Key deactivated', { isActive: false }),
        },
      },
    },
  };
}
