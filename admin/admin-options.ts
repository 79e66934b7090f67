import type { ChatStaffService } from '../src/chat/chat-staff.service';
import type { FeedbackService } from '../src/feedback/feedback.service';
import type { GptAnalysesService } from '../src/gpt-analyses/gpt-analyses.service';
import type { GptKeysService } from '../src/gpt-keys/gpt-keys.service';
import type { LlmKeysService } from '../src/llm-providers/llm-keys.service';
import type { LlmUsageService } from '../src/llm-providers/usage/llm-usage.service';
import type { OAuthGrantsService } from '../src/oauth/oauth-grants.service';
import type { TimesheetsHierarchyService } from '../src/timesheets/timesheets-hierarchy.service';
import type { TimesheetsReportService } from '../src/timesheets/timesheets-report.service';
import type { UsersService } from '../src/users/users.service';
import { scrubSecrets, staffOrAdmin } from './access';
import type { AdminJSOptions, ResourceWithOptions } from './adminjs-types';
import { registerComponents } from './components';
import { dashboardData } from './dashboard';
import { toolCallsResource } from './resources/assistant.resources';
import { chatResources } from './resources/chat.resources';
import { devisResources } from './resources/devis.resources';
import { feedbackResource } from './resources/feedback.resource';
import { gptKeysResource } from './resources/gpt-keys.resource';
import { type LlmKeyTester, llmKeysResource, llmUsageResource } from './resources/llm.resources';
import { oauthClientsResource, oauthGrantsResource } from './resources/oauth.resources';
import { timesheetPages, timesheetResources } from './resources/timesheets.resources';
import { usersResource } from './resources/users.resource';

export interface PanelServices {
  rootPath: string;
  gptKeys: GptKeysService;
  llmKeys: LlmKeysService;
  llmKeyTester: LlmKeyTester;
  llmUsage: LlmUsageService;
  users: UsersService;
  chat: ChatStaffService;
  analyses: GptAnalysesService;
  oauthGrants: OAuthGrantsService;
  feedback: FeedbackService;
  timesheetHierarchy: TimesheetsHierarchyService;
  timesheetReports: TimesheetsReportService;
}

/** Every action of every resource passes its response through scrubSecrets last. */
const BUILT_IN_ACTIONS = ['list', 'search', 'show', 'new', 'edit', 'delete', 'bulkDelete'];

function withScrub(resource: ResourceWithOptions): ResourceWithOptions {
  const actions = { ...(resource.options.actions ?? {}) } as Record<
    string,
    Record<string, unknown>
  >;
  for (const name of new Set([...BUILT_IN_ACTIONS, ...Object.keys(actions)])) {
    const action = actions[name] ?? {};
    const after = action.after ? [action.after].flat() : [];
    actions[name] = { ...action, after: [...after, scrubSecrets] };
  }
  return { ...resource, options: { ...resource.options, actions } };
}

/** The AdminJS configuration: resources, custom components, dashboard, branding. */
export function buildAdminJsOptions(
  lib: { ComponentLoader: new () => import('./adminjs-types').ComponentLoader },
  services: PanelServices,
): AdminJSOptions {
  const componentLoader = new lib.ComponentLoader();
  const components = registerComponents(componentLoader);
  const resources = [
    gptKeysResource(services.gptKeys, components),
    toolCallsResource(),
    oauthClientsResource(services.oauthGrants, components),
    oauthGrantsResource(services.oauthGrants, components),
    llmUsageResource(services.llmUsage),
    llmKeysResource(services.llmKeys, services.llmKeyTester, services.users, components),
    ...devisResources(services.analyses, components),
    ...chatResources(services.chat, components),
    feedbackResource(services.feedback, components),
    usersResource(services.users, components),
    ...timesheetResources(
      {
        hierarchy: services.timesheetHierarchy,
        reports: services.timesheetReports,
        users: services.users,
      },
      components,
    ),
  ].map(withScrub);

  return {
    rootPath: services.rootPath,
    loginPath: `${services.rootPath}/login`,
    logoutPath: `${services.rootPath}/logout`,
    componentLoader,
    resources,
    dashboard: {
      component: components.Dashboard,
      handler: async (_request, _response, context) => {
        if (!staffOrAdmin(context as never)) return {};
        return dashboardData(services);
      },
    },
    pages: timesheetPages(services.timesheetReports, components),
    branding: {
      companyName: 'Passerelle back-office',
      withMadeWithLove: false,
      logo: false,
    },
    locale: {
      language: 'en',
      availableLanguages: ['en'],
      translations: {
        en: {
          labels: {
            'gpt-keys': 'GPT API keys',
            'llm-usage': 'LLM usage logs',
            'llm-keys': 'LLM API keys',
            devis: 'Devis',
            'devis-lines': 'Devis lines',
            'gpt-analyses': 'GPT analyses',
            users: 'Users',
            'chat-sessions': 'Chat sessions',
            'chat-messages': 'Chat messages',
            'tool-calls': 'Tool calls',
            'oauth-clients': 'OAuth clients',
            'oauth-grants': 'Grants',
            'timesheet-customers': 'Customers',
            'timesheet-projects': 'Projects',
            'timesheet-phases': 'Phases',
            'timesheet-activities': 'Activities',
            'timesheet-kinds': 'Kinds of work',
            'timesheet-members': 'Memberships',
            'timesheet-entries': 'Time entries',
          },
          pages: { timesheetWeek: 'Timesheets: week' },
          actions: {
            newKey: 'New key',
            rotate: 'Rotate',
            deactivate: 'Deactivate',
            newLlmKey: 'New LLM key',
            setDefault: 'Set default',
            test: 'Test',
            newUser: 'New user',
            resetPassword: 'Reset password',
            revoke: 'Revoke',
            newCustomer: 'New customer',
            newKind: 'New kind',
            addProject: 'Add project',
            addPhase: 'Add phase',
            addActivity: 'Add activity',
            assignPerson: 'Assign person',
            setKinds: 'Allowed kinds',
            unassign: 'Unassign',
            exportCsv: 'Export CSV',
          },
        },
      },
    },
    settings: { defaultPerPage: 20 },
  };
}
