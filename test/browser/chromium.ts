// Launches the Debian chromium through playwright-core for browser tests. Tests skip (with
// `chromiumSkipReason`) when the binary is absent; CI installs it with `apt-get install -y chromium`.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

// Playwright's default "HeadlessChrome" UA is flagged by isbot; beacons must look like a real
// desktop browser. The flag (not a context option) is what also applies to sendBeacon requests.
export const DESKTOP_CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

// Flags that work on these machines (STACK.md).
const LAUNCH_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  `--user-agent=${DESKTOP_CHROME_UA}`,
] as const

/** Why browser tests cannot run here, or undefined when they can. */
export const chromiumSkipReason: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `${CHROMIUM_PATH} not found: install it with "apt-get install -y chromium" to run browser tests`

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...LAUNCH_FLAGS, ...extraArgs],
    timeout: 30_000,
  })
}
