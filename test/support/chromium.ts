/**
 * Debian's headless Chromium for the browser tests (playwright-core drives it; no browser download): where it is,
 * the skip reason when it is not, how it is launched, and where screenshots go (`test-output/`, git-ignored).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { hashPassword } from '../../provider/accounts/password.ts';
import { DEMO_ACCOUNT_PASSWORD, demoAccount } from '../../provider/config/dev-defaults.ts';

export const chromiumPath = '/usr/bin/chromium';

/** The `skip` option of a browser test's `describe`: false, or why it cannot run here. */
export const chromiumMissing: string | false = existsSync(chromiumPath)
  ? false
  : `no Chromium at ${chromiumPath} (apt-get install chromium)`;

/** Where browser tests put screenshots for a human to look at. */
export const screenshotDir = join(import.meta.dirname, '..', '..', 'test-output');

/** Launches headless Chromium without the background traffic a test does not want. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The development default's demo account, its password hashed at a cost cheap enough for tests. */
export async function cheapDemoAccount(): Promise<ReturnType<typeof demoAccount>> {
  return demoAccount(await hashPassword(DEMO_ACCOUNT_PASSWORD, { N: 2 ** 12, r: 8, p: 1 }));
}

/**
 * Runs each clean-up step in turn, ignoring its failure (for `after` hooks: whatever `before` got to start is stopped,
 * also when it failed half-way and left a variable unset — a server left open hangs the run).
 */
export async function settleEach(...steps: (() => unknown)[]): Promise<void> {
  for (const step of steps) {
    await Promise.resolve()
      .then(step)
      .catch(() => undefined);
  }
}
