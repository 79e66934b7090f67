import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * AdminJS 7 is ESM-only and this app is CommonJS: these `import()` stay real dynamic imports
 * (module node16), loaded one after another (in parallel they race in jest's ESM loader).
 */
async function importEsm() {
  const adminjs = await import('adminjs');
  const bundler = await import('adminjs/bundler');
  const typeorm = await import('@adminjs/typeorm');
  const express = await import('@adminjs/express');
  const nestjs = await import('@adminjs/nestjs');
  return { adminjs, bundler, typeorm, express, nestjs };
}

export type AdminJsModules = Awaited<ReturnType<typeof importEsm>>;

/**
 * The same modules pre-linked into one CommonJS file by `npm run build`
 * (scripts/build-admin-vendor.js): from dist/src/admin-panel, dist/admin-vendor.cjs.
 * Absent when running the TypeScript sources (jest), where the ES modules are imported.
 */
export const ADMIN_VENDOR_FILE = join(__dirname, '..', '..', 'admin-vendor.cjs');

/** AdminJS and its adapters: from the vendor file when the build made one, else as ES modules. */
export async function importAdminJs(vendorFile = ADMIN_VENDOR_FILE): Promise<AdminJsModules> {
  if (existsSync(vendorFile)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(vendorFile) as AdminJsModules;
  }
  return importEsm();
}
