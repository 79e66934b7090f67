import { plainToInstance } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { IsInt, IsOptional, Max, Min, validateSync, ValidationError } from 'class-validator';

type ClassType<T> = new () => T;

/**
 * Validates the variables one config namespace reads and returns them typed.
 * A wrong or missing variable stops boot with a message naming it.
 */
export function validateEnv<T extends object>(
  schema: ClassType<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  // Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const instance = plainToInstance(schema, present, { enableImplicitConversion: true });
  const errors = validateSync(instance, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(errors);
  }
  return instance;
}

export class ConfigValidationError extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(
      'Invalid configuration: ' +
        errors
          .map((e) => `${e.property} (${Object.values(e.constraints ?? {}).join('; ')})`)
          .join(', '),
    );
    this.name = 'ConfigValidationError';
  }
}

export const toList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** An optional whole-number variable within [min, max] (the bounds name it in the error). */
export const OptionalInt = (bounds: { min: number; max: number }): PropertyDecorator =>
  applyDecorators(IsOptional(), IsInt(), Min(bounds.min), Max(bounds.max));
