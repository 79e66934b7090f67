import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (`.ci/run` installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** `describe`, or `describe.skip` with a visible warning when Chromium is not installed. */
export function describeInBrowser(suite: string): jest.Describe {
  if (hasChromium) return describe;
  console.warn(
    `${suite}: ${CHROMIUM} is missing (apt-get install chromium), browser tests skipped`,
  );
  return describe.skip;
}

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: ARGS });
