import { registerAs } from '@nestjs/config';
import { IsOptional, Matches } from 'class-validator';
import { validateEnv } from './validate-env';

class RedisEnv {
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string;
}

export interface RedisConfig {
  /** Unset: rate limits and caches are per instance. */
  url?: string;
}

export const redisConfig = registerAs('redis', (): RedisConfig => ({
  url: validateEnv(RedisEnv).REDIS_URL,
}));
