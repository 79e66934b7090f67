import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';
import { SchemaCliModule } from './commands/gpt-export-schema.command';

async function main() {
  // Exporting the schema touches no database, so it does not boot the CLI's data source.
  const module = process.argv[2] === 'gpt:export-schema' ? SchemaCliModule : CliModule;
  await CommandFactory.run(module, {
    logger: ['error'],
    errorHandler: (err) => {
      // Unknown command or option, missing argument: commander already printed why.
      process.exitCode = (err as { exitCode?: number }).exitCode || 1;
    },
  });
}

main().catch((err: Error) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
});
