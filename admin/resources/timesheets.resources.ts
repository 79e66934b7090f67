import { DomainException } from '../../src/common/errors/domain.exception';
import { validateInput } from '../../src/common/http/validate-input';
import { addDays, todayIn, weekStart } from '../../src/timesheets/calendar';
import { ExportEntriesQueryDto } from '../../src/timesheets/dto/timesheet-report.dto';
import {
  AddMemberDto,
  CreateActivityDto,
  CreateCustomerDto,
  CreateKindDto,
  CreatePhaseDto,
  CreateProjectDto,
  type Level,
  SetKindsDto,
  UpdateLevelDto,
} from '../../src/timesheets/dto/timesheet-hierarchy.dto';
import {
  TimeEntryViewEntity,
  TimesheetMemberViewEntity,
} from '../../src/timesheets/entities/timesheet-admin-views.entity';
import {
  TimesheetActivityEntity,
  TimesheetCustomerEntity,
  TimesheetKindEntity,
  TimesheetPhaseEntity,
  TimesheetProjectEntity,
} from '../../src/timesheets/entities/timesheet-hierarchy.entity';
import {
  LEVEL_LABELS,
  type TimesheetsHierarchyService,
} from '../../src/timesheets/timesheets-hierarchy.service';
import type { TimesheetsReportService } from '../../src/timesheets/timesheets-report.service';
import { TIMESHEET_RULES } from '../../src/timesheets/timesheets.rules';
import type { UsersService } from '../../src/users/users.service';
import { readOnlyActions, staffOrAdmin } from '../access';
import type {
  ActionContext,
  ActionResponse,
  After,
  BaseRecord,
  ResourceWithOptions,
} from '../adminjs-types';
import type { PanelComponents } from '../components';
import { guarded, listUrl, recordAction, reloaded, showUrl, text } from '../handlers';

const navigation = { name: 'Timesheets', icon: 'Clock' };

/** The resource id of each level (relation columns name their target with it). */
const RESOURCE_IDS: Record<Level, string> = {
  customer: 'timesheet-customers',
  project: 'timesheet-projects',
  phase: 'timesheet-phases',
  activity: 'timesheet-activities',
  kind: 'timesheet-kinds',
};

/** The level each level sits under, and its column (a reference to that level's resource). */
const PARENTS: Partial<Record<Level, { level: Level; property: string }>> = {
  project: { level: 'customer', property: 'customerId' },
  phase: { level: 'project', property: 'projectId' },
  activity: { level: 'phase', property: 'phaseId' },
};

/** The level added from a record's page ("Add project" on a customer, …), with its DTO. */
const CHILDREN: Partial<
  Record<Level, { level: Level; dto: new () => object; field: string; action: string }>
> = {
  customer: { level: 'project', dto: CreateProjectDto, field: 'customerId', action: 'addProject' },
  project: { level: 'phase', dto: CreatePhaseDto, field: 'projectId', action: 'addPhase' },
  phase: { level: 'activity', dto: CreateActivityDto, field: 'phaseId', action: 'addActivity' },
};

const isArchived = (ctx: ActionContext) => Boolean(ctx.record?.params?.archivedAt);

export interface TimesheetServices {
  hierarchy: TimesheetsHierarchyService;
  reports: TimesheetsReportService;
  users: UsersService;
}

/**
 * Customers → projects → phases → activities, kinds of work, memberships and everyone's time
 * entries, for staff and admins. Every change goes through TimesheetsHierarchyService, with the
 * REST API's DTOs and rules: a level with booked time is archived, not deleted (its delete
 * answers the service's 409 as an error notice). Entries are read-only here (they are the
 * person's); the CSV export is the REST route's.
 */
export function timesheetResources(
  services: TimesheetServices,
  components: PanelComponents,
): ResourceWithOptions[] {
  return [
    levelResource('customer', TimesheetCustomerEntity, services, components),
    levelResource('project', TimesheetProjectEntity, services, components),
    levelResource('phase', TimesheetPhaseEntity, services, components),
    levelResource('activity', TimesheetActivityEntity, services, components),
    levelResource('kind', TimesheetKindEntity, services, components),
    membersResource(services, components),
    entriesResource(services, components),
  ];
}

/** The week view: everyone's hours per project and day (AdminJS custom page). */
export function timesheetPages(reports: TimesheetsReportService, components: PanelComponents) {
  return {
    timesheetWeek: {
      component: components.TimesheetWeek,
      icon: 'BarChart2',
      handler: async (
        request: { query?: Record<string, unknown> },
        _response: unknown,
        context: unknown,
      ) => {
        if (!staffOrAdmin(context as ActionContext)) return {};
        const week = request.query?.week;
        return reports.week(typeof week === 'string' ? week : undefined);
      },
    },
  };
}

function levelResource(
  level: Level,
  entity: unknown,
  { hierarchy, users }: TimesheetServices,
  components: PanelComponents,
): ResourceWithOptions {
  const label = LEVEL_LABELS[level].toLowerCase();
  const parent = PARENTS[level];
  const child = CHILDREN[level];
  const parentProps = parent ? [parent.property] : [];
  const withKinds = level === 'project' || level === 'activity';
  const done = async (context: ActionContext, id: string, message: string) => ({
    record: await reloaded(context, id),
    redirectUrl: showUrl(context, id),
    notice: { message, type: 'success' as const },
  });
  const setArchived = (archived: boolean) =>
    recordAction(async (record, _request, context) => {
      const id = String(record.id());
      await hierarchy.update(level, id, await validateInput(UpdateLevelDto, { archived }));
      return done(context, id, `${LEVEL_LABELS[level]} ${archived ? 'archived' : 'restored'}`);
    });
  const nameField = { name: 'name', label: 'Name', type: 'text', required: true };

  const actions: Record<string, unknown> = {
    ...readOnlyActions(staffOrAdmin),
    rename: {
      actionType: 'record',
      icon: 'Edit',
      isAccessible: staffOrAdmin,
      component: components.ActionForm,
      custom: {
        intro: 'Names are unique under the same parent (case and accents ignored).',
        submitLabel: 'Rename',
        fields: [{ ...nameField, fromRecord: 'name' }],
      },
      handler: recordAction(async (record, request, context) => {
        const id = String(record.id());
        const dto = await validateInput(UpdateLevelDto, { name: text(request.payload, 'name') });
        await hierarchy.update(level, id, dto);
        return done(context, id, `${LEVEL_LABELS[level]} renamed`);
      }),
    },
    archive: {
      actionType: 'record',
      icon: 'Archive',
      isAccessible: staffOrAdmin,
      isVisible: (ctx: ActionContext) => !isArchived(ctx),
      component: components.ActionForm,
      custom: {
        intro: `People no longer see this ${label} (nor what is under it) and no time can be booked or changed on it; its entries stay.`,
        submitLabel: 'Archive',
      },
      handler: setArchived(true),
    },
    unarchive: {
      actionType: 'record',
      icon: 'RotateCcw',
      isAccessible: staffOrAdmin,
      isVisible: isArchived,
      component: components.ActionForm,
      custom: { intro: `People assigned see this ${label} again.`, submitLabel: 'Restore' },
      handler: setArchived(false),
    },
    remove: {
      actionType: 'record',
      icon: 'Trash2',
      variant: 'danger',
      isAccessible: staffOrAdmin,
      component: components.ActionForm,
      custom: {
        intro: `Deletes this ${label} and what is under it, only if no time is booked there; otherwise archive it.`,
        submitLabel: 'Delete',
        variant: 'danger',
      },
      handler: recordAction(async (record, _request, context) => {
        const name = String(record.params.name);
        await hierarchy.remove(level, String(record.id()));
        return {
          record: record.toJSON(context.currentAdmin),
          redirectUrl: listUrl(context),
          notice: { message: `${LEVEL_LABELS[level]} "${name}" deleted`, type: 'success' },
        };
      }),
    },
  };

  // Customers and kinds start the hierarchy; the others are added from their parent's page.
  if (!parent) {
    const newAction = level === 'kind' ? 'newKind' : 'newCustomer';
    actions[newAction] = {
      actionType: 'resource',
      icon: 'Plus',
      variant: 'primary',
      isAccessible: staffOrAdmin,
      component: components.ActionForm,
      custom: { submitLabel: `Create ${label}`, fields: [nameField] },
      handler: guarded(async (request, _response, context) => {
        if (request.method !== 'post') return {};
        const dto = await validateInput(level === 'kind' ? CreateKindDto : CreateCustomerDto, {
          name: text(request.payload, 'name') ?? '',
        });
        const created = await hierarchy.create(level, dto);
        return done(context, created.id, `${LEVEL_LABELS[level]} "${created.name}" created`);
      }),
    };
  }
  if (child) {
    actions[child.action] = {
      actionType: 'record',
      icon: 'Plus',
      isAccessible: staffOrAdmin,
      component: components.ActionForm,
      custom: {
        intro: `A new ${LEVEL_LABELS[child.level].toLowerCase()} under this ${label}.`,
        submitLabel: `Add ${LEVEL_LABELS[child.level].toLowerCase()}`,
        fields: [nameField],
      },
      handler: recordAction(async (record, request, context) => {
        const dto = (await validateInput(child.dto, {
          [child.field]: String(record.id()),
          name: text(request.payload, 'name') ?? '',
        })) as { name: string };
        const created = await hierarchy.create(child.level, dto);
        return {
          record: record.toJSON(context.currentAdmin),
          redirectUrl: context.h.recordActionUrl({
            resourceId: RESOURCE_IDS[child.level],
            recordId: created.id,
            actionName: 'show',
          }),
          notice: {
            message: `${LEVEL_LABELS[child.level]} "${created.name}" created`,
            type: 'success',
          },
        };
      }),
    };
  }
  if (withKinds) {
    actions.setKinds = kindsAction(level as 'project', hierarchy, components);
  }
  if (level === 'project') {
    actions.assignPerson = {
      actionType: 'record',
      icon: 'UserPlus',
      isAccessible: staffOrAdmin,
      component: components.ActionForm,
      custom: {
        intro: 'The person then sees this project (and its customer) and books time on it.',
        submitLabel: 'Assign',
        fields: [{ name: 'email', label: 'Email of the person', type: 'email', required: true }],
      },
      handler: recordAction(async (record, request, context) => {
        const email = text(request.payload, 'email') ?? '';
        const user = email ? await users.findActiveByEmail(email) : null;
        if (!user) throw DomainException.invalidField('email', `No active user ${email}`);
        const id = String(record.id());
        await hierarchy.addMember(id, await validateInput(AddMemberDto, { userId: user.id }));
        return done(context, id, `${user.name || user.email} assigned`);
      }),
    };
  }

  return {
    resource: entity as ResourceWithOptions['resource'],
    options: {
      id: RESOURCE_IDS[level],
      navigation,
      sort: { sortBy: 'name', direction: 'asc' },
      listProperties: ['name', ...parentProps, 'archivedAt', 'createdAt'],
      filterProperties: ['name', ...parentProps, 'archivedAt'],
      showProperties: [
        'id',
        'name',
        ...parentProps,
        ...(withKinds ? ['allowedKinds'] : []),
        'archivedAt',
        'createdAt',
        'updatedAt',
      ],
      properties: {
        name: { isTitle: true },
        archivedAt: { description: 'Set: hidden from people, no new time, its entries kept' },
        ...(parent ? { [parent.property]: { reference: RESOURCE_IDS[parent.level] } } : {}),
        ...(withKinds
          ? {
              allowedKinds: {
                type: 'string',
                isVisible: { list: false, filter: false, show: true, edit: false },
                description: 'Empty: every kind (an activity: its project’s)',
              },
            }
          : {}),
      },
      actions: {
        ...actions,
        show: withKinds
          ? { isAccessible: staffOrAdmin, after: withAllowedKinds(level as 'project', hierarchy) }
          : { isAccessible: staffOrAdmin },
      },
    },
  };
}

/** The kinds a project or activity allows, as names, on its show page and kinds form. */
const withAllowedKinds =
  (level: 'project' | 'activity', hierarchy: TimesheetsHierarchyService): After<ActionResponse> =>
  async (response) => {
    const record = response.record as { id?: string; params: Record<string, unknown> } | undefined;
    if (!record?.id) return response;
    const { kinds } = await hierarchy.get(level, record.id);
    record.params.allowedKinds = (kinds ?? []).map((k) => k.name).join(', ');
    return response;
  };

/** Sets the kinds a project or activity allows, by name ("Développement, Réunion"). */
function kindsAction(
  level: 'project' | 'activity',
  hierarchy: TimesheetsHierarchyService,
  components: PanelComponents,
) {
  return {
    actionType: 'record',
    icon: 'Tag',
    isAccessible: staffOrAdmin,
    component: components.ActionForm,
    custom: {
      intro:
        level === 'project'
          ? 'The kinds of work allowed on this project, separated by commas; empty: every kind.'
          : "The kinds allowed on this activity, among its project's, separated by commas; empty: the project's.",
      submitLabel: 'Save kinds',
      fields: [{ name: 'kinds', label: 'Kinds', type: 'text', fromRecord: 'allowedKinds' }],
    },
    handler: guarded(async (request, _response, context) => {
      const record = context.record!;
      const id = String(record.id());
      if (request.method !== 'post') {
        const json = record.toJSON(context.currentAdmin);
        const { kinds } = await hierarchy.get(level, id);
        json.params.allowedKinds = (kinds ?? []).map((k) => k.name).join(', ');
        return { record: json };
      }
      const kindIds = await kindIdsOf(hierarchy, text(request.payload, 'kinds') ?? '');
      await hierarchy.setKinds(level, id, await validateInput(SetKindsDto, { kindIds }));
      return {
        record: await reloaded(context, id),
        redirectUrl: showUrl(context, id),
        notice: { message: 'Kinds saved', type: 'success' },
      };
    }),
  };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

async function kindIdsOf(hierarchy: TimesheetsHierarchyService, names: string) {
  const wanted = names
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (!wanted.length) return [];
  const { items } = await hierarchy.list('kind', {});
  const ids: string[] = [];
  for (const name of wanted) {
    const kind = items.find((k) => fold(k.name) === fold(name));
    if (!kind) {
      throw DomainException.invalidField(
        'kinds',
        `Unknown kind "${name}": use ${items.map((k) => k.name).join(', ')}`,
      );
    }
    ids.push(kind.id);
  }
  return ids;
}

function membersResource(
  { hierarchy }: TimesheetServices,
  components: PanelComponents,
): ResourceWithOptions {
  return {
    resource: TimesheetMemberViewEntity,
    options: {
      id: 'timesheet-members',
      navigation,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['userEmail', 'userName', 'projectId', 'customerId', 'createdAt'],
      filterProperties: ['userEmail', 'userName', 'projectId', 'customerId', 'createdAt'],
      properties: {
        id: { isVisible: false },
        userEmail: { isTitle: true },
        projectId: { reference: RESOURCE_IDS.project },
        customerId: { reference: RESOURCE_IDS.customer },
        userId: { isVisible: { list: false, filter: false, show: true, edit: false } },
        createdAt: { description: 'Assigned since' },
      },
      actions: {
        ...readOnlyActions(staffOrAdmin),
        unassign: {
          actionType: 'record',
          icon: 'UserMinus',
          variant: 'danger',
          isAccessible: staffOrAdmin,
          component: components.ActionForm,
          custom: {
            intro:
              'The person no longer sees the project nor books time on it; their entries stay.',
            submitLabel: 'Unassign',
            variant: 'danger',
          },
          handler: recordAction(async (record: BaseRecord, _request, context) => {
            await hierarchy.removeMember(
              String(record.params.projectId),
              String(record.params.userId),
            );
            return {
              record: record.toJSON(context.currentAdmin),
              redirectUrl: listUrl(context),
              notice: { message: `${String(record.params.userEmail)} unassigned`, type: 'success' },
            };
          }),
        },
      },
    },
  };
}

/** Everyone's entries (read-only) and their CSV export, which reads the list's filter. */
function entriesResource(
  { hierarchy, reports, users }: TimesheetServices,
  components: PanelComponents,
): ResourceWithOptions {
  return {
    resource: TimeEntryViewEntity,
    options: {
      id: 'timesheet-entries',
      navigation,
      sort: { sortBy: 'date', direction: 'desc' },
      listProperties: [
        'date',
        'userEmail',
        'projectId',
        'activityId',
        'kindId',
        'durationMinutes',
        'billable',
        'comment',
      ],
      filterProperties: [
        'date',
        'userEmail',
        'userId',
        'customerId',
        'projectId',
        'phaseId',
        'activityId',
        'kindId',
        'billable',
      ],
      properties: {
        userEmail: { isTitle: true },
        customerId: { reference: RESOURCE_IDS.customer },
        projectId: { reference: RESOURCE_IDS.project },
        phaseId: { reference: RESOURCE_IDS.phase },
        activityId: { reference: RESOURCE_IDS.activity },
        kindId: { reference: RESOURCE_IDS.kind },
        durationMinutes: { type: 'number', description: 'Minutes (90 = 1 h 30)' },
        comment: { components: { list: components.PlainText, show: components.PlainText } },
        date: { description: "The day worked, in the person's time zone" },
      },
      actions: {
        ...readOnlyActions(staffOrAdmin),
        exportCsv: {
          actionType: 'resource',
          icon: 'Download',
          isAccessible: staffOrAdmin,
          component: components.TimesheetExport,
          custom: { maxEntries: TIMESHEET_RULES.exportMaxEntries },
          handler: guarded(async (request) => {
            if (request.method !== 'post') {
              return { projects: await projectChoices(hierarchy), week: thisWeek() };
            }
            const p = request.payload;
            const email = text(p, 'email');
            const user = email ? await users.findActiveByEmail(email) : null;
            if (email && !user)
              throw DomainException.invalidField('email', `No active user ${email}`);
            const dto = await validateInput(ExportEntriesQueryDto, {
              from: text(p, 'from') ?? '',
              to: text(p, 'to') ?? '',
              userId: user?.id ?? (text(p, 'userId') || undefined),
              projectId: text(p, 'projectId') || undefined,
            });
            const { filename, csv, entries } = await reports.exportCsv(dto);
            return {
              download: { filename, content: csv },
              notice: { message: `${entries} entries exported`, type: 'success' },
            };
          }),
        },
      },
    },
  };
}

/** Projects for the export form's select: "Customer / Project", archived ones marked. */
async function projectChoices(hierarchy: TimesheetsHierarchyService) {
  const [customers, projects] = await Promise.all([
    hierarchy.list('customer', { includeArchived: true }),
    hierarchy.list('project', { includeArchived: true }),
  ]);
  const names = new Map(customers.items.map((c) => [c.id, c.name]));
  return projects.items
    .map((p) => ({
      id: p.id,
      label: `${names.get(p.parentId ?? '') ?? '?'} / ${p.name}${p.archived ? ' (archived)' : ''}`,
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** This week (Monday to Sunday) in the default time zone: the export form's first range. */
function thisWeek() {
  const monday = weekStart(todayIn(TIMESHEET_RULES.timeZone.default));
  return { from: monday, to: addDays(monday, 6) };
}
