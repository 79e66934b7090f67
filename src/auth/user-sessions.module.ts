import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserSessionEntity } from './entities/user-session.entity';
import { UserSessionsRepository } from './user-sessions.repository';

/**
 * `user_sessions`, apart from the rest of auth: UsersModule ends a user's sessions when the
 * password changes, and AuthModule (which imports UsersModule) logs people in; both import this,
 * so neither needs the other's module.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserSessionEntity])],
  providers: [UserSessionsRepository],
  exports: [UserSessionsRepository],
})
export class UserSessionsModule {}
