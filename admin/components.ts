import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ComponentLoader } from './adminjs-types';

/** The custom React components (admin/components/*.jsx), bundled before the server listens. */
const FILES = {
  Dashboard: 'dashboard.jsx',
  ActionForm: 'action-form.jsx',
  AnalysisShow: 'analysis-show.jsx',
  DevisShow: 'devis-show.jsx',
  ChatThread: 'chat-thread.jsx',
  PlainText: 'plain-text.jsx',
  TimesheetWeek: 'timesheet-week.jsx',
  TimesheetExport: 'timesheet-export.jsx',
} as const;

export type PanelComponents = Record<keyof typeof FILES, string>;

/**
 * The .jsx sources are not compiled by tsc: they are read from the project's admin/components
 * whether this file runs from the sources (tests) or from dist/admin (npm start).
 */
export function componentsDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'admin', 'components');
    if (existsSync(join(candidate, FILES.Dashboard))) return candidate;
    if (existsSync(join(dir, 'components', FILES.Dashboard))) return join(dir, 'components');
  }
  throw new Error('admin/components not found next to the application');
}

export function registerComponents(loader: ComponentLoader): PanelComponents {
  const dir = componentsDir();
  return Object.fromEntries(
    Object.entries(FILES).map(([name, file]) => [name, loader.add(name, join(dir, file))]),
  ) as PanelComponents;
}
