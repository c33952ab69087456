import { mkdirSync } from 'node:fs';
import { chromium, type FullConfig } from '@playwright/test';
import { ROLES } from '@/lib/authz';
import { DEMO, DEMO_PASSWORD, e2eDb, storageStateFor } from './fixtures';

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
  // The server's event pipeline evaluates the demo data in the background after its first start;
  // specs that read alerts and rollups (heatmaps) start once it has caught up.
  const db = e2eDb();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [row] = await db.$client<{ behind: number }[]>`
      select count(*)::int as behind from audit_streams s
      left join detection_cursors c on c.stream_id = s.id
      where s.kind = 'source' and s.head_seq > coalesce(c.seq, 0)`;
    if (row!.behind === 0) break;
    if (Date.now() > deadline) throw new Error('the event pipeline did not catch up within 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  await db.$client.end();
}
