/** AdminJS types for this CommonJS project (adminjs is ESM-only: type imports need resolution-mode). */
export type {
  ActionContext,
  ActionRequest,
  ActionResponse,
  AdminJSOptions,
  After,
  BaseRecord,
  CurrentAdmin,
  RecordActionResponse,
  ResourceOptions,
  ResourceWithOptions,
} from 'adminjs' with { 'resolution-mode': 'import' };
export type { default as AdminJS, ComponentLoader } from 'adminjs' with {
  'resolution-mode': 'import',
};
