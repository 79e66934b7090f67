import { Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Command, Option } from 'nest-commander';
import { createInterface } from 'node:readline/promises';
import { validateInput } from '../../common/http/validate-input';
import { appConfig } from '../../config';
import { MigrationsService } from '../../database/migrations.service';
import { CreateGptKeyDto, UpdateGptKeyDto } from '../../gpt-keys/dto/gpt-key.dto';
import { GptApiKeyEntity } from '../../gpt-keys/entities/gpt-api-key.entity';
import { GptKeyFormat } from '../../gpt-keys/gpt-key-format';
import { GPT_KEY_RULES } from '../../gpt-keys/gpt-keys.rules';
import { GptKeysService, IssuedGptKey } from '../../gpt-keys/gpt-keys.service';
import { CliCommand, CliError, expiryInput, numberInput } from '../cli-command';

const RATE = GPT_KEY_RULES.rateLimitPerHour;
const RATE_HELP = `requests per hour, ${RATE.min} to ${RATE.max}`;
const EXPIRES_HELP = 'YYYY-MM-DD (end of that day, UTC), ISO timestamp, or never';

const INITIAL_KEY_NAME = 'GPT Initial Key';

function issuedLines({ key, plaintext }: IssuedGptKey): string[] {
  return [
    `Key "${key.name}" (id ${key.id}), ${key.rateLimitPerHour} requests/hour, expires ${key.expiresAt?.toISOString() ?? 'never'}`,
    '',
    `  ${plaintext}`,
    '',
    'Save this key now: it is shown only once and stored only as a hash.',
  ];
}

@Command({
  name: 'gpt:setup',
  description: 'Check the database, create a first GPT key if none exists, explain the GPT setup',
})
export class GptSetupCommand extends CliCommand {
  constructor(
    private readonly keys: GptKeysService,
    private readonly migrations: MigrationsService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {
    super();
  }

  protected async execute() {
    const pending = await this.migrations.pending();
    if (pending.length > 0) {
      throw new CliError(
        `the database is missing ${pending.length} migration(s) (${pending.join(', ')}): run "npm run db:migrate" (or start the server) first`,
      );
    }
    const count = await this.keys.count();
    if (count === 0) {
      const issued = await this.keys.create(
        await validateInput(CreateGptKeyDto, { name: INITIAL_KEY_NAME }),
      );
      issuedLines(issued).forEach((l) => this.print(l));
    } else {
      this.print(
        `${count} GPT key(s) already exist; none created. List them with "npm run gpt:list-keys".`,
      );
    }
    this.print('');
    this.print('Configure the GPT (GPT builder → Configure → Actions → Create new action):');
    this.print(`  1. Import from URL: ${this.app.appUrl}/api/gpt/openapi`);
    this.print('  2. Authentication: API Key, Auth Type: Bearer, paste the key above.');
    this.print(`  3. Privacy policy URL: ${this.app.appUrl}/privacy`);
    this.print('  4. Test: ask the GPT to check its connection (it calls getConnectionStatus).');
  }
}

@Command({
  name: 'gpt:create-key',
  arguments: '<name> [limit]',
  description: `Create a GPT key: name, optional ${RATE_HELP} (default GPT_DEFAULT_RATE_LIMIT), --expires DATE`,
  argsDescription: {
    name: `Key name, ${GPT_KEY_RULES.name.minLength} to ${GPT_KEY_RULES.name.maxLength} characters of text`,
    limit: `${RATE_HELP}; default GPT_DEFAULT_RATE_LIMIT (${RATE.default} unless set)`,
  },
})
export class GptCreateKeyCommand extends CliCommand {
  constructor(private readonly keys: GptKeysService) {
    super();
  }

  @Option({ flags: '--expires <date>', description: EXPIRES_HELP })
  parseExpires(v: string) {
    return v;
  }

  protected async execute([name, limit]: string[], options: { expires?: string }) {
    // What was typed, judged by the API's own DTO: the same mistake, the same message.
    const dto = await validateInput(CreateGptKeyDto, {
      name,
      rateLimitPerHour: numberInput(limit),
      expiresAt: expiryInput(options.expires),
    });
    issuedLines(await this.keys.create(dto)).forEach((l) => this.print(l));
  }
}

@Command({ name: 'gpt:list-keys', description: 'List GPT keys (masked); --json for scripts' })
export class GptListKeysCommand extends CliCommand {
  constructor(private readonly keys: GptKeysService) {
    super();
  }

  @Option({ flags: '--json', description: 'Machine-readable output' })
  parseJson() {
    return true;
  }

  protected async execute(_: string[], options: { json?: boolean }) {
    const rows = (await this.keys.list()).map(row);
    if (options.json) {
      this.print(JSON.stringify(rows, null, 2));
      return;
    }
    if (rows.length === 0) {
      this.print('No GPT keys. Create one with: npm run gpt:create-key "Production GPT" 200');
      return;
    }
    const table = [
      ['KEY', 'NAME', 'STATUS', 'LIMIT/H', 'USAGE', 'LAST USED', 'EXPIRES', 'ID'],
      ...rows.map((r) => [
        r.maskedKey,
        r.name,
        r.status,
        String(r.rateLimitPerHour),
        String(r.usageCount),
        r.lastUsedAt ?? '-',
        r.expiresAt ?? 'never',
        r.id,
      ]),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((cells) => cells[i].length)));
    for (const cells of table)
      this.print(
        cells
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
  }
}

function row(k: GptApiKeyEntity) {
  return {
    id: k.id,
    name: k.name,
    maskedKey: GptKeyFormat.mask(k.displayPrefix),
    status: k.status(),
    rateLimitPerHour: k.rateLimitPerHour,
    usageCount: k.usageCount,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}

@Command({
  name: 'gpt:update-key',
  arguments: '<key|prefix|id>',
  description: 'Change a key: --rate N, --expires DATE|never, --name NAME, --activate',
})
export class GptUpdateKeyCommand extends CliCommand {
  constructor(private readonly keys: GptKeysService) {
    super();
  }

  @Option({ flags: '--rate <n>', description: RATE_HELP })
  parseRate(v: string) {
    return v;
  }

  @Option({ flags: '--expires <date>', description: EXPIRES_HELP })
  parseExpires(v: string) {
    return v;
  }

  @Option({ flags: '--name <name>', description: 'New name (markup is removed)' })
  parseName(v: string) {
    return v;
  }

  @Option({ flags: '--activate', description: 'Re-activate a deactivated key' })
  parseActivate() {
    return true;
  }

  protected async execute(
    [ref]: string[],
    o: { rate?: string; expires?: string; name?: string; activate?: boolean },
  ) {
    const typed = {
      rateLimitPerHour: numberInput(o.rate),
      expiresAt: expiryInput(o.expires),
      name: o.name,
      isActive: o.activate ? true : undefined,
    };
    if (Object.values(typed).every((v) => v === undefined)) {
      throw new CliError('nothing to change: give --rate, --expires, --name or --activate');
    }
    // Judged by the API's DTO before the key is even looked up: a bad argument changes nothing.
    const patch = await validateInput(UpdateGptKeyDto, typed);
    const key = await this.keys.resolve(ref);
    const updated = await this.keys.update(key.id, patch);
    this.print(
      `Updated ${GptKeyFormat.mask(updated.displayPrefix)} "${updated.name}": ${updated.rateLimitPerHour}/h, ` +
        `expires ${updated.expiresAt?.toISOString() ?? 'never'}, ${updated.status()}.`,
    );
  }
}

@Command({
  name: 'gpt:deactivate-key',
  arguments: '<key|prefix|id>',
  description: 'Deactivate a key (stops within 5 s)',
})
export class GptDeactivateKeyCommand extends CliCommand {
  constructor(private readonly keys: GptKeysService) {
    super();
  }

  protected async execute([ref]: string[]) {
    const key = await this.keys.resolve(ref);
    await this.keys.deactivate(key.id);
    this.print(`Deactivated ${GptKeyFormat.mask(key.displayPrefix)} "${key.name}".`);
  }
}

@Command({
  name: 'gpt:delete-key',
  arguments: '<key|prefix|id>',
  description: 'Delete a key; asks to confirm unless --yes',
})
export class GptDeleteKeyCommand extends CliCommand {
  constructor(private readonly keys: GptKeysService) {
    super();
  }

  @Option({ flags: '-y, --yes', description: 'Do not ask for confirmation' })
  parseYes() {
    return true;
  }

  protected async execute([ref]: string[], options: { yes?: boolean }) {
    const key = await this.keys.resolve(ref);
    const label = `${GptKeyFormat.mask(key.displayPrefix)} "${key.name}"`;
    if (!options.yes) {
      if (!process.stdin.isTTY)
        throw new CliError(`not deleting ${label} without confirmation: add -- --yes`);
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`Delete ${label}? Type "yes" to confirm: `);
      rl.close();
      if (answer.trim().toLowerCase() !== 'yes')
        throw new CliError('not confirmed; nothing deleted');
    }
    await this.keys.remove(key.id);
    this.print(`Deleted ${label}.`);
  }
}
