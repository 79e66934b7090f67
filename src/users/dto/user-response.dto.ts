import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, type UserRole } from '../../common/auth/roles';
import { UserEntity } from '../entities/user.entity';

export class UserResponseDto {
  @ApiProperty({ format: 'uuid', example: '0b8f5a5e-3d4c-4b8e-9b1a-2c3d4e5f6a7b' })
  id: string;

  @ApiProperty({ example: 'marie.dupont@example.fr' })
  email: string;

  @ApiProperty({ example: 'Marie Dupont' })
  name: string;

  @ApiProperty({ enum: USER_ROLES, example: 'staff' })
  role: UserRole;

  @ApiProperty({ example: true })
  isActive: boolean;

  @ApiProperty({ example: '2026-11-22T09:30:00.000Z' })
  createdAt: Date;

  static from(user: UserEntity): UserResponseDto {
    const { id, email, name, role, isActive, createdAt } = user;
    return { id, email, name, role, isActive, createdAt };
  }
}
