import { mkdirSync } from 'node:fs';
import { chromium, type FullConfig } from '@playwright/test';
import { ROLES } from '@/lib/authz';
import { DEMO, DEMO_PASSWORD, storageStateFor } from './fixtures';

/** Signs in once per role through the real form and keeps each session for the specs. */
export default async function globalSetup(config: FullConfig) {
  const use = config.projects[0]!.use;
  mkdirSync('e2e/.auth', { recursive: true });
  const browser = await chromium.launch(use.launchOptions);
  for (const role of ROLES) {
    const page = await browser.newPage({ baseURL: use.baseURL });
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(DEMO[role]);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('current-user-name').waitFor();
    await page.context().storageState({ path: storageStateFor(role) });
    await page.close();
  }
  await browser.close();
}
