import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { UserResponseDto } from '../../users/dto/user-response.dto';
import { USER_RULES } from '../../users/users.rules';

const { email: EMAIL, password: PASSWORD } = USER_RULES;

export class LoginDto {
  @ApiProperty({ example: 'admin@passerelle.local' })
  @IsEmail()
  @MaxLength(EMAIL.maxLength)
  email: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    minLength: 1,
    maxLength: PASSWORD.maxLength,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD.maxLength)
  password: string;
}

export class LoginResponseDto {
  @ApiProperty({
    description: 'Opaque bearer token: send it as `Authorization: Bearer <token>`. Shown once.',
    example: 'pas_Zq3xK9...',
  })
  token: string;

  @ApiProperty({ example: '2026-11-22T21:30:00.000Z' })
  expiresAt: Date;

  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;
}
