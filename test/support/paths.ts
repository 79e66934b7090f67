import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CLI_ENTRY = join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const SERVER_ENTRY = join(ROOT, 'dist', 'src', 'main.js');

const pgliteVersion = (
  JSON.parse(
    readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ) as {
    version: string;
  }
).version;
export const TEMPLATE_DIR = join(tmpdir(), `passerelle-pglite-template-${pgliteVersion}`);
