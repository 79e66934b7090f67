import { Command } from 'nest-commander';
import { LlmKeysService } from '../../llm-providers/llm-keys.service';
import { CliCommand, CliError } from '../cli-command';

@Command({
  name: 'llm:rotate-encryption-key',
  description:
    'Re-encrypt every stored provider key from OLD_ENCRYPTION_KEY to ENCRYPTION_KEY, in one transaction',
})
export class LlmRotateEncryptionKeyCommand extends CliCommand {
  constructor(private readonly keys: LlmKeysService) {
    super();
  }

  protected async execute() {
    const old = process.env.OLD_ENCRYPTION_KEY;
    if (!old)
      throw new CliError(
        'set OLD_ENCRYPTION_KEY to the previous key and ENCRYPTION_KEY to the new one',
      );
    if (old === process.env.ENCRYPTION_KEY)
      throw new CliError('OLD_ENCRYPTION_KEY and ENCRYPTION_KEY are the same');
    const r = await this.keys.rotateEncryptionKey(old);
    this.print(
      `Re-encrypted ${r.reEncrypted} of ${r.total} provider key(s); ${r.alreadyCurrent} already used ENCRYPTION_KEY.`,
    );
    this.print(
      'Every stored key is now readable with ENCRYPTION_KEY. Restart the servers with it.',
    );
  }
}
