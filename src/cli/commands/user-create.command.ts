import { Command, Option } from 'nest-commander';
import { USER_ROLES, UserRole } from '../../common/auth/roles';
import { UsersService } from '../../users/users.service';
import { CliCommand, CliError } from '../cli-command';

interface Options {
  email?: string;
  role?: string;
  name?: string;
}

@Command({
  name: 'user:create',
  description:
    'Create a user. The password is read from stdin when piped (first line), else generated and printed once',
})
export class UserCreateCommand extends CliCommand {
  constructor(private readonly users: UsersService) {
    super();
  }

  @Option({ flags: '--email <email>', description: 'Login email (unique)' })
  parseEmail(v: string) {
    return v;
  }

  @Option({
    flags: '--role <role>',
    description: `One of ${USER_ROLES.join(', ')} (default staff)`,
  })
  parseRole(v: string) {
    return v;
  }

  @Option({ flags: '--name <name>', description: 'Display name' })
  parseName(v: string) {
    return v;
  }

  protected async execute(_params: string[], options: Options) {
    if (!options.email) throw new CliError('--email is required');
    const role = (options.role ?? 'staff') as UserRole;
    if (!USER_ROLES.includes(role))
      throw new CliError(`--role must be one of ${USER_ROLES.join(', ')}`);
    const piped = process.stdin.isTTY ? undefined : await readFirstLine();
    const { user, generatedPassword } = await this.users.create({
      email: options.email,
      name: options.name,
      role,
      password: piped || undefined,
    });
    this.print(`Created ${user.role} ${user.email} (id ${user.id}).`);
    if (generatedPassword) this.print(`Password (shown once, save it now): ${generatedPassword}`);
  }
}

function readFirstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (data += chunk));
    process.stdin.on('end', () => resolve(data.split(/\r?\n/)[0] ?? ''));
    process.stdin.on('error', reject);
  });
}
