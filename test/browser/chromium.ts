// Finds the Chromium that browser tests drive through playwright-core: $CHROMIUM_PATH, else Debian's
// /usr/bin/chromium. Missing is a failure with the command that installs it, never a skip.
import { existsSync } from 'node:fs';

/** The path of the Chromium executable, or throws a sentence saying how to install one. */
export function chromiumPath(): string {
  const fromEnv = process.env['CHROMIUM_PATH'];
  const candidates =
    fromEnv !== undefined && fromEnv !== '' ? [fromEnv] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(
    `no Chromium found at ${candidates.join(' or ')}: the HTML report's browser test needs one. ` +
      "Install Debian's: `sudo apt-get update && sudo apt-get install -y chromium` (.ci/run does this), " +
      'or point CHROMIUM_PATH at a Chromium or Chrome executable.',
  );
}
