import { Command, Option } from 'nest-commander';
import { USER_ROLES } from '../../common/auth/roles';
import { validateInput } from '../../common/http/validate-input';
import { CreateUserDto } from '../../users/dto/user.dto';
import { USER_RULES } from '../../users/users.rules';
import { UsersService } from '../../users/users.service';
import { CliCommand, CliError } from '../cli-command';

interface Options {
  email?: string;
  role?: string;
  name?: string;
}

const DEFAULT_ROLE = 'staff';

@Command({
  name: 'user:create',
  description:
    `Create a user. The password (${USER_RULES.password.minLength}+ characters) is read from ` +
    'stdin when piped (first line), else generated and printed once',
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
    description: `One of ${USER_ROLES.join(', ')} (default ${DEFAULT_ROLE})`,
  })
  parseRole(v: string) {
    return v;
  }

  @Option({ flags: '--name <name>', description: 'Display name (default: the email before @)' })
  parseName(v: string) {
    return v;
  }

  protected async execute(_params: string[], options: Options) {
    if (!options.email) throw new CliError('--email is required');
    const piped = process.stdin.isTTY ? undefined : await readFirstLine();
    // What was typed, judged by the same DTO as the back-office's form.
    const dto = await validateInput(CreateUserDto, {
      email: options.email,
      name: options.name,
      role: options.role ?? DEFAULT_ROLE,
      password: piped || undefined,
    });
    const { user, generatedPassword } = await this.users.create(dto);
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
