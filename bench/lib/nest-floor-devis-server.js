'use strict';
// The framework floor of bench/scenarios/gpt-devis.js: GET /api/gpt/devis/:id answered by a
// minimal NestJS 11 + Express app (the packages and versions the app uses) running the bare
// server's code (bench/lib/bare-devis-server.js: same pg Pool, same SQL, same JSON) in one
// controller — no middleware, guard, interceptor, pipe, logger or extra header. What it costs
// over the bare node:http server is what NestJS on Express costs by itself for this route, so
// floor / bare is the best ratio any NestJS + Express app can reach here.
//
// Run it as a child process (child_process.fork): DATABASE_URL and BARE_POOL_SIZE in the
// environment; it listens on a free port of 127.0.0.1 and sends { ready: port } over IPC. It
// exits on SIGTERM/SIGINT or when its parent goes away.
require('reflect-metadata');
const { Controller, Get, Inject, Module, NotFoundException, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Pool } = require('pg');
const { ANALYSES_SQL, DEVIS_SQL, UUID, gptDevis, toDevis } = require('./bare-devis-server');
const { runMain, serveNestApp } = require('./nest-child');

const POOL = Symbol('POOL');

class DevisController {
  constructor(pool) {
    this.pool = pool;
  }

  async find(id) {
    if (!UUID.test(id)) throw new NotFoundException();
    const { rows } = await this.pool.query(DEVIS_SQL, [id]);
    if (rows.length === 0) throw new NotFoundException();
    const devis = toDevis(rows[0]);
    const analyses = await this.pool.query(ANALYSES_SQL, [devis.id, 5]);
    return gptDevis(devis, analyses.rows);
  }
}
// The decorators the TypeScript compiler would apply to
//   @Controller('api/gpt/devis') class DevisController {
//     constructor(@Inject(POOL) pool) {}
//     @Get(':id') find(@Param('id') id: string) {} }
Inject(POOL)(DevisController, undefined, 0);
const find = Object.getOwnPropertyDescriptor(DevisController.prototype, 'find');
Param('id')(DevisController.prototype, 'find', 0);
Get(':id')(DevisController.prototype, 'find', find);
Controller('api/gpt/devis')(DevisController);

function appModule(pool) {
  class FloorModule {}
  Module({
    controllers: [DevisController],
    providers: [{ provide: POOL, useValue: pool }],
  })(FloorModule);
  return FloorModule;
}

async function main() {
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.BARE_POOL_SIZE || 10),
    application_name: 'passerelle-bench-nest-floor',
  });
  pool.on('error', (err) => process.stderr.write(`nest-floor-devis-server pool: ${err.message}\n`));
  const app = await NestFactory.create(appModule(pool), { logger: ['error'], bodyParser: false });
  await serveNestApp(app, () => pool.end());
}

if (require.main === module) runMain('nest-floor-devis-server', main);
