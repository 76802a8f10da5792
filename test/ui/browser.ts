// The browser for the hosted-page tests and the screenshots: the system's Chromium (Debian's
// `chromium` package, which .ci/run installs), driven by playwright-core. No browser is
// ever downloaded.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

export const NO_CHROMIUM = `no Chromium at ${CANDIDATES.join(' or ')}: install Debian's package (apt-get install chromium); the hosted-page browser tests need it`;

function underCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * One browser for a whole test file (the machine may have two cores). Without Chromium:
 * under CI this throws, so the tests fail rather than pass unseen; elsewhere it answers
 * undefined and the tests skip with NO_CHROMIUM.
 */
export async function launchChromium(): Promise<Browser | undefined> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    if (underCi()) throw new Error(NO_CHROMIUM);
    return undefined;
  }
  return chromium.launch({ executablePath, args: ['--disable-dev-shm-usage', '--disable-gpu'] });
}
