import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium where it is installed (these machines cannot download Playwright's own
// browser); otherwise Playwright's bundled one. scripts/test.sh installs Chromium when neither is there.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) =>
  existsSync(p),
);
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = '.data/e2e';

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: systemChromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    // The same start path a user takes (`npm start`), on a fresh data directory: production
    // build, embedded PostgreSQL, migrations, demo seed.
    command: `rm -rf ${E2E_DATA_DIR} && npx tsx scripts/start.ts`,
    url: `http://127.0.0.1:${E2E_PORT}/sign-in`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      WHOCHANGED_DATA_DIR: E2E_DATA_DIR,
      PORT: String(E2E_PORT),
      DEMO_PASSWORD: 'e2e-demo-password-1',
      AUTH_SECRET: 'e2e-auth-secret-not-for-production-use-0123456789',
      // Every e2e request comes from 127.0.0.1; the per-address throttle itself is covered by
      // lib/sign-in.int.test.ts, so here it must not trip across unrelated specs.
      IP_THROTTLE_THRESHOLD: '1000',
      // A smaller demo organisation than npm start's 200,000 events keeps the suite quick.
      DEMO_EVENTS: '20000',
    },
  },
});
