import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { UserResponseDto } from '../../users/dto/user-response.dto';

export class LoginDto {
  @ApiProperty({ example: 'admin@passerelle.local' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 256 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
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
