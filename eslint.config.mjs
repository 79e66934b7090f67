// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/*
 * The house's layers (issue 17), checked on every `npm run lint` (.ci/run's "lint" step).
 *
 * 1. One owner per table. Only repositories, entities, `src/database/**` (data source, entity
 *    list, kit, backup), `migrations/**` and the AdminJS resource list talk to TypeORM or the pg
 *    pool; module files may import `@nestjs/typeorm` for TypeOrmModule.forFeature. Everyone else
 *    calls the owning module's service. Tests, benches and specs are exempt, and so is one
 *    piece of assembly, src/admin-panel/admin-panel.setup.ts (reason beside it below).
 * 2. Leaves at the bottom: a lower folder never imports a higher one.
 *      src/database/kit   imports only itself (and packages)
 *      src/config         imports only itself and `*.rules.ts` files (constants, no imports)
 *      src/common         imports only itself, src/config and src/database/kit
 *    Features, src/database (the assembly), the CLI, admin/ and app.module sit above them.
 *    Imports are relative, so the check is a regex per folder depth: from a file N folders
 *    below `src/common` (N = 0..4), `(../){N+1}` leaves src/common and must be followed by
 *    an allowed folder.
 * Rule 1 uses ESLint's `no-restricted-imports` and rule 2 typescript-eslint's, so that a
 * folder's layering and its TypeORM restriction do not override one another.
 */

const PERSISTENCE_MESSAGE =
  "Only repositories, entities and src/database/** talk to TypeORM or the pool: put the query in the owning module's repository (a narrow named method) and call that module's service.";

/** `no-restricted-imports` options; `allowNestTypeorm` for *.module.ts (forFeature). */
function persistenceRestriction({ allowNestTypeorm = false } = {}) {
  return [
    'error',
    {
      paths: [
        { name: 'typeorm', message: PERSISTENCE_MESSAGE },
        ...(allowNestTypeorm ? [] : [{ name: '@nestjs/typeorm', message: PERSISTENCE_MESSAGE }]),
      ],
      patterns: [
        { group: ['typeorm/*'], message: PERSISTENCE_MESSAGE },
        { regex: '(^|/)database/kit/pg-pool$', message: PERSISTENCE_MESSAGE },
        { regex: '(^|/)database/data-source$', message: PERSISTENCE_MESSAGE },
      ],
    },
  ];
}

/**
 * One override per folder depth below `folder` (a path under src/), restricting relative
 * imports that leave it to `allowed` (a regex of what may follow the last `../`).
 */
function layer(folder, allowed, description) {
  const depthOf = folder.split('/').length; // src/common -> the file is 1 level below src/
  return Array.from({ length: 5 }, (_, depth) => ({
    files: [`src/${folder}/${'*/'.repeat(depth)}*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./){${depth + 1}}(?!\\.\\./)(?!${allowed})`,
              message: `src/${folder} is a lower layer: it ${description} (eslint.config.mjs explains the layers).`,
            },
            // `../` past src/ itself (admin/, test/...), whatever the depth.
            {
              regex: `^(\\.\\./){${depth + depthOf + 1},}`,
              message: `src/${folder} is a lower layer: it ${description}.`,
            },
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'eslint.config.mjs',
      'scripts/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off' },
  },

  // 1. One owner per table.
  { files: ['**/*.ts'], rules: { 'no-restricted-imports': persistenceRestriction() } },
  {
    files: ['**/*.module.ts'],
    rules: { 'no-restricted-imports': persistenceRestriction({ allowNestTypeorm: true }) },
  },
  {
    files: [
      '**/*.repository.ts',
      '**/entities/**',
      'src/database/**',
      'migrations/**',
      'admin/admin-options.ts',
      'test/**',
      'bench/**',
      '**/*.spec.ts',
      // Assembly, not queries: hands the DataSource to AdminJS's TypeORM adapter
      // (buildAdminJsOptions) and the app's pool to the back-office session store.
      'src/admin-panel/admin-panel.setup.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },

  // 2. Leaves at the bottom.
  ...layer('database/kit', '$^', 'imports nothing outside src/database/kit'),
  ...layer('config', '.*\\.rules$', 'imports only src/config and *.rules.ts leaf files'),
  ...layer(
    'common',
    '(config|database/kit)(/|$)',
    'imports only src/common, src/config and src/database/kit',
  ),
);
