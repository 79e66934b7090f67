#!/usr/bin/env node
// Build step (part of `npm run build`): AdminJS and its adapters as one CommonJS file,
// dist/admin-vendor.cjs, which the server loads instead of AdminJS's ~2,000 ES modules.
//
// Why: AdminJS 7 is ESM-only; Node 20's ES module loader takes ~1.6 s (quiet machine) to
// resolve, link and evaluate it, most of the server's start-up. One pre-linked file loads in
// a fraction of that (`npm run bench:startup` measures both; see bench/RESULTS.md).
//
// What stays outside the file, loaded from node_modules as usual:
// - packages the app shares with AdminJS's adapters, which must be the very same instances
//   (Nest's decorators and DI tokens, Express, express-session's Store, TypeORM's classes);
// - the components bundler's toolchain (rollup, babel), which resolves plugins by path.
// Every file keeps its own `import.meta.url`, so AdminJS still finds its frontend assets
// and templates in node_modules/adminjs.
//
// Without dist/admin-vendor.cjs (e.g. under jest, which runs the TypeScript sources), the
// server imports the ES modules directly: same code, slower start.
'use strict';
const esbuild = require('esbuild');
const { readFile } = require('node:fs/promises');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const outfile = join(root, 'dist', 'admin-vendor.cjs');

const SHARED_WITH_APP = [
  '@nestjs/*',
  'express',
  'express-session',
  'typeorm',
  'reflect-metadata',
  'class-validator',
  'class-transformer',
  'rxjs',
  'pg',
  'pg-native',
];
const BUNDLER_TOOLCHAIN = ['rollup', '@rollup/*', 'rollup-plugin-*', '@babel/*'];

/** Replaces `import.meta.url` / `import.meta.dirname` with the original file's values. */
const keepImportMeta = {
  name: 'keep-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.(m?js|cjs)$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      return {
        contents: source
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(path).href))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(path))),
        loader: 'js',
        resolveDir: dirname(path),
      };
    });
  },
};

async function main() {
  const started = Date.now();
  await esbuild.build({
    stdin: {
      contents: [
        "import * as adminjs from 'adminjs';",
        "import * as bundler from 'adminjs/bundler';",
        "import * as typeorm from '@adminjs/typeorm';",
        "import * as express from '@adminjs/express';",
        "import * as nestjs from '@adminjs/nestjs';",
        'export { adminjs, bundler, typeorm, express, nestjs };',
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: [...SHARED_WITH_APP, ...BUNDLER_TOOLCHAIN],
    plugins: [keepImportMeta],
    logLevel: 'error',
    legalComments: 'none',
    // Adapters check `admin.constructor.name === 'AdminJS'`: keep names esbuild would rename.
    keepNames: true,
  });
  console.log(`AdminJS vendor file: ${outfile} (${Date.now() - started} ms)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
