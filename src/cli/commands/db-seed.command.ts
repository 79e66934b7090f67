import { Command, Option } from 'nest-commander';
import { DomainException } from '../../common/errors/domain.exception';
import { validateInput } from '../../common/http/validate-input';
import { MigrationsService } from '../../database/migrations.service';
import { formatEuros } from '../../devis/devis-math';
import { DevisService } from '../../devis/devis.service';
import { CreateDevisDto } from '../../devis/dto/devis.dto';
import type { DevisEntity } from '../../devis/entities/devis.entity';
import { SEED_DEVIS, SEED_EXAMPLE_REFERENCE, SEED_SOURCE } from '../../devis/seed/seed-devis';
import { TimesheetsSeedService } from '../../timesheets/seed/timesheets-seed.service';
import { CliCommand, CliError, errorLine } from '../cli-command';

@Command({
  name: 'db:seed',
  description: `Load ${SEED_DEVIS.length} demonstration devis (existing references are skipped; --reset recreates them) and demonstration timesheets (what exists is kept)`,
})
export class DbSeedCommand extends CliCommand {
  constructor(
    private readonly devis: DevisService,
    private readonly migrations: MigrationsService,
    private readonly timesheets: TimesheetsSeedService,
  ) {
    super();
  }

  @Option({
    flags: '--reset',
    description: 'First delete the devis this command created (with their analyses)',
  })
  parseReset() {
    return true;
  }

  @Option({ flags: '--force', description: 'Allow seeding when NODE_ENV=production' })
  parseForce() {
    return true;
  }

  protected async execute(_: string[], options: { reset?: boolean; force?: boolean }) {
    if (process.env.NODE_ENV === 'production' && !options.force) {
      throw new CliError(
        'refusing to load demonstration quotes with NODE_ENV=production: add -- --force',
      );
    }
    // The API's own validation, then DevisService's (totals, SIRET), before writing anything.
    const seeds = await Promise.all(SEED_DEVIS.map(validate));
    const pending = await this.migrations.pending();
    if (pending.length > 0) {
      throw new CliError(
        `the database is missing ${pending.length} migration(s): run "npm run db:migrate" (or start the server) first`,
      );
    }

    if (options.reset) {
      let removed = 0;
      for (const seed of seeds) {
        const existing = await this.find(seed.reference);
        if (!existing) continue;
        // A reference like DEV-2025-0003 may also be a real quote: only delete our own.
        if (existing.metadata?.source !== SEED_SOURCE) {
          this.print(`Kept ${existing.reference}: it was not created by db:seed.`);
          continue;
        }
        await this.devis.remove(existing.id);
        removed++;
      }
      this.print(`Removed ${removed} seeded devis (and their analyses).`);
    }

    const created: DevisEntity[] = [];
    let skipped = 0;
    for (const seed of seeds) {
      if (await this.find(seed.reference)) {
        skipped++;
        continue;
      }
      try {
        created.push(await this.devis.create(seed));
      } catch (err) {
        // Created meanwhile by someone else: as good as already there.
        if (err instanceof DomainException && err.code === 'CONFLICT') skipped++;
        else throw err;
      }
    }

    this.print(`Seeded devis: created ${created.length}, skipped ${skipped} (already present).`);
    for (const d of created) {
      this.print(
        `  ${d.reference}  ${d.status.padEnd(8)}  ${formatEuros(d.totalTtcCents).padStart(13)} TTC  ${d.lines?.length ?? 0} lines  ${d.title}`,
      );
    }
    this.print('Cases to try:');
    for (const seed of seeds) {
      const note = seed.metadata?.seedNote;
      if (typeof note === 'string') this.print(`  ${seed.reference}: ${note}`);
      else if (seed.lines.length >= 20)
        this.print(`  ${seed.reference}: ${seed.lines.length} lines (${seed.title})`);
    }
    this.print(`Try the GPT with: "Analyse le devis ${SEED_EXAMPLE_REFERENCE}"`);

    const ts = await this.timesheets.run();
    const c = ts.created;
    this.print(
      `Seeded timesheets: created ${c.customer} customers, ${c.project} projects, ${c.phase} phases, ${c.activity} activities, ${c.kind} kinds, ${c.person} people; entries: created ${ts.entries.created}, skipped ${ts.entries.present} (already present).`,
    );
    for (const p of ts.people) {
      if (p.generatedPassword)
        this.print(`  ${p.email}  password (shown once): ${p.generatedPassword}`);
    }
  }

  private async find(reference: string): Promise<DevisEntity | null> {
    try {
      return await this.devis.get(reference, false);
    } catch (err) {
      if (err instanceof DomainException && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }
}

async function validate(seed: CreateDevisDto): Promise<CreateDevisDto> {
  try {
    return await validateInput(CreateDevisDto, seed);
  } catch (err) {
    throw new CliError(`seed data ${seed.reference} is invalid: ${errorLine(err)}`);
  }
}
