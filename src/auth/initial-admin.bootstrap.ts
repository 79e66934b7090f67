import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DomainException } from '../common/errors/domain.exception';
import { validateInput } from '../common/http/validate-input';
import { authConfig } from '../config';
import { CreateUserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';

/** On first boot with no admin, creates one from ADMIN_EMAIL/ADMIN_PASSWORD or a generated password. */
@Injectable()
export class InitialAdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('InitialAdmin');

  constructor(
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async onApplicationBootstrap() {
    if (await this.users.hasActiveAdmin()) return;
    const email = this.config.adminEmail ?? 'admin@passerelle.local';
    try {
      // ADMIN_* passed the config's checks at boot; the DTO is still the service's contract.
      const dto = await validateInput(CreateUserDto, {
        email,
        name: 'Administrator',
        role: 'admin',
        password: this.config.adminPassword,
      });
      const { generatedPassword } = await this.users.create(dto);
      this.logger.log(`Created the first admin user ${email}`);
      if (generatedPassword) {
        // Printed once, outside the structured log, so it is not shipped to log storage twice.
        process.stdout.write(
          `\n  First admin created: ${email}\n  Password (shown once, save it now): ${generatedPassword}\n\n`,
        );
      }
    } catch (err) {
      // Another instance created it at the same moment.
      if (!(err instanceof DomainException && err.code === 'CONFLICT')) throw err;
    }
  }
}
