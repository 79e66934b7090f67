import { Logger } from '@nestjs/common';
import type AdminJS from 'adminjs' with { 'resolution-mode': 'import' };
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminJsModules } from './adminjs-esm';

const logger = new Logger('AdminBundle');

/** ComponentLoader keeps paths without their extension. */
const sourceOf = (path: string) => {
  const found = ['', '.jsx', '.tsx', '.js', '.ts']
    .map((ext) => path + ext)
    .find((p) => existsSync(p) && statSync(p).isFile());
  if (!found) throw new Error(`Back-office component not found: ${path}`);
  return found;
};

/**
 * Bundles the custom components (admin/components) into `dir`, before the server listens.
 * The bundle is kept with a hash of its sources: a restart with unchanged components reuses it.
 * Returns the bundle's path. (AdminJS's own initialize() bundles after listening, unawaited,
 * and its watch() runs rollup in watch mode outside production: neither is used.)
 */
export async function bundleComponents(
  admin: AdminJS,
  bundler: AdminJsModules['bundler'],
  dir: string,
  version: string,
): Promise<string> {
  const output = join(dir, 'components.bundle.js');
  const hashFile = join(dir, 'components.bundle.hash');
  const entry = bundler.generateUserComponentEntry(admin, dir);
  const components = admin.componentLoader.getComponents();
  const hash = createHash('sha256')
    .update(version)
    .update(process.env.NODE_ENV === 'production' ? 'production' : 'development')
    .update(entry);
  for (const file of Object.values(components).sort()) hash.update(readFileSync(sourceOf(file)));
  const digest = hash.digest('hex');
  if (existsSync(output) && existsSync(hashFile) && readFileSync(hashFile, 'utf8') === digest) {
    return output;
  }
  const started = Date.now();
  mkdirSync(dir, { recursive: true });
  const tmp = `${output}.${process.pid}.tmp`;
  bundler.componentsBundler.setInputOption('input', join(dir, 'entry.js'));
  bundler.componentsBundler.setOutputOption('file', tmp);
  await bundler.componentsBundler.createEntry({ dir, content: entry });
  await bundler.componentsBundler.build();
  renameSync(tmp, output); // atomic: a concurrent reader never sees half a bundle
  writeFileSync(hashFile, digest);
  logger.log(`Bundled back-office components in ${Date.now() - started} ms (${output})`);
  return output;
}
