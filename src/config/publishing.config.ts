import { registerAs } from '@nestjs/config';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { existsSync } from 'node:fs';
import { validateEnv } from './validate-env';

class PublishingEnv {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  PRIVACY_ORGANIZATION?: string;

  @IsOptional()
  @IsEmail()
  PRIVACY_CONTACT_EMAIL?: string;

  @IsOptional()
  @IsString()
  PRIVACY_POLICY_FILE?: string;
}

export interface PublishingConfig {
  organization: string;
  contactEmail: string;
  /** An HTML file served at /privacy instead of the default page. */
  privacyPolicyFile?: string;
}

export const publishingConfig = registerAs('publishing', (): PublishingConfig => {
  const v = validateEnv(PublishingEnv);
  if (v.PRIVACY_POLICY_FILE && !existsSync(v.PRIVACY_POLICY_FILE)) {
    throw new Error(
      `Invalid configuration: PRIVACY_POLICY_FILE (${v.PRIVACY_POLICY_FILE} does not exist)`,
    );
  }
  return {
    organization: v.PRIVACY_ORGANIZATION ?? 'Passerelle',
    contactEmail: v.PRIVACY_CONTACT_EMAIL ?? process.env.ADMIN_EMAIL ?? 'privacy@passerelle.local',
    privacyPolicyFile: v.PRIVACY_POLICY_FILE,
  };
});
