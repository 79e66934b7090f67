import { Command, Option } from 'nest-commander';
import { validateInput } from '../../common/http/validate-input';
import { RepriceUsageDto } from '../../llm-providers/usage/llm-usage.dto';
import { LlmUsageService, type RepriceReport } from '../../llm-providers/usage/llm-usage.service';
import { CliCommand } from '../cli-command';

const usd = (microUsd: number) => `$${(microUsd / 1e6).toFixed(6)}`;
const signedUsd = (microUsd: number) => (microUsd < 0 ? '-' : '+') + usd(Math.abs(microUsd));

@Command({
  name: 'llm:reprice',
  description:
    'Recompute the cost of LLM usage logs from the current prices (dataset and LLM_PRICING_JSON), ' +
    'at the price in force on each log’s date, in batches of one transaction each',
})
export class LlmRepriceCommand extends CliCommand {
  constructor(private readonly usage: LlmUsageService) {
    super();
  }

  @Option({ flags: '--from <day>', description: 'first UTC day, YYYY-MM-DD (default: all)' })
  parseFrom(v: string) {
    return v;
  }

  @Option({ flags: '--to <day>', description: 'last UTC day, inclusive, YYYY-MM-DD' })
  parseTo(v: string) {
    return v;
  }

  @Option({ flags: '--only-unpriced', description: 'only the logs whose price was unknown' })
  parseOnlyUnpriced() {
    return true;
  }

  @Option({ flags: '--dry-run', description: 'count what would change, write nothing' })
  parseDryRun() {
    return true;
  }

  protected async execute(
    _: string[],
    options: { from?: string; to?: string; onlyUnpriced?: boolean; dryRun?: boolean },
  ) {
    const dto = await validateInput(RepriceUsageDto, {
      from: options.from,
      to: options.to,
      onlyUnpriced: options.onlyUnpriced,
      dryRun: options.dryRun,
    });
    report(await this.usage.reprice(dto)).forEach((l) => this.print(l));
  }
}

function report(r: RepriceReport): string[] {
  const range =
    r.from || r.to
      ? ` from ${r.from?.toISOString().slice(0, 10) ?? 'the first log'} to ${
          r.to ? new Date(r.to.getTime() - 1).toISOString().slice(0, 10) : 'the last log'
        }`
      : '';
  const which = r.onlyUnpriced ? 'unpriced usage log(s)' : 'usage log(s)';
  const lines = [
    `Scanned ${r.scanned} ${which}${range} (mock calls excluded).`,
    `${r.dryRun ? 'Would change' : 'Changed'} ${r.changed} log(s)` +
      (r.changed
        ? ` (${r.newlyPriced} previously unpriced): ${usd(r.beforeMicroUsd)} → ${usd(r.afterMicroUsd)}, ` +
          `difference ${signedUsd(r.afterMicroUsd - r.beforeMicroUsd)}.`
        : '.'),
  ];
  const still = r.stillUnpriced.reduce((n, u) => n + u.calls, 0);
  if (still) {
    const models = r.stillUnpriced
      .slice(0, 10)
      .map((u) => `${u.provider}:${u.model} (${u.calls})`)
      .join(', ');
    const more = r.stillUnpriced.length > 10 ? `, and ${r.stillUnpriced.length - 10} more` : '';
    lines.push(
      `${still} log(s) have no known price today (left as they are): ${models}${more}. ` +
        'Add their prices to LLM_PRICING_JSON and run this again.',
    );
  }
  if (r.dryRun) lines.push('Dry run: nothing was written.');
  return lines;
}
