import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The Chromium the browser tests drive (Debian's `chromium` package; CI installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether browser tests skip: only when Chromium is missing outside CI. In CI a missing browser
 * fails the test instead, so the tests cannot silently stop running there.
 */
export function skipWithoutChromium(): boolean {
  const skip = !existsSync(CHROMIUM) && !process.env.CI;
  if (skip) {
    console.warn(
      `test/browser: skipped, ${CHROMIUM} is missing (apt-get install -y chromium); it always runs in CI`,
    );
  }
  return skip;
}

/** Command-line switches for a quiet headless Chromium that talks to nothing but the test's servers. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
