/**
 * AdminJS 7 is ESM-only and this app is CommonJS: these `import()` stay real dynamic imports
 * (module node16), loaded one after another (in parallel they race in jest's ESM loader).
 */
export async function importAdminJs() {
  const adminjs = await import('adminjs');
  const bundler = await import('adminjs/bundler');
  const typeorm = await import('@adminjs/typeorm');
  const express = await import('@adminjs/express');
  const nestjs = await import('@adminjs/nestjs');
  return { adminjs, bundler, typeorm, express, nestjs };
}

export type AdminJsModules = Awaited<ReturnType<typeof importAdminJs>>;
