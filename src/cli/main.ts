import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

async function main() {
  await CommandFactory.run(CliModule, {
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
