import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { USER_TOKEN_GUARD } from '../common/auth/access.guard';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { InitialAdminBootstrap } from './initial-admin.bootstrap';
import { UserSessionsModule } from './user-sessions.module';
import { UserTokenGuard, UserTokenStrategy } from './user-token.strategy';

@Module({
  imports: [PassportModule, UsersModule, UserSessionsModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    UserTokenStrategy,
    { provide: USER_TOKEN_GUARD, useClass: UserTokenGuard },
    InitialAdminBootstrap,
  ],
  exports: [AuthService],
})
export class AuthModule {}
