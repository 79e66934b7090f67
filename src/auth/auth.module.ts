import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { USER_TOKEN_GUARD } from '../common/auth/access.guard';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { UserSessionEntity } from './entities/user-session.entity';
import { InitialAdminBootstrap } from './initial-admin.bootstrap';
import { UserTokenGuard, UserTokenStrategy } from './user-token.strategy';

@Module({
  imports: [PassportModule, UsersModule, TypeOrmModule.forFeature([UserSessionEntity])],
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
