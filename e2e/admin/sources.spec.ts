import { request as playwrightRequest } from '@playwright/test';
import { eq, sql } from 'drizzle-orm';
import { sources } from '@/db/schema';
import { e2eDb, expect, storageStateFor, test } from '../fixtures';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;

test.describe('sources and API keys', () => {
  test.use({ storageState: storageStateFor('admin') });

  test('an admin creates a source, its key works once shown, and revoking it locks the key out; all audited', async ({
    page,
  }) => {
    const name = `ui-${Date.now()}`;
    await page.goto('/admin/sources');
    const form = page.getByRole('form', { name: 'Create a source' });
    await form.getByLabel(/^Name/).fill(name);
    await form.getByLabel('Description').fill('Created in the browser');
    await form.getByRole('button', { name: 'Create source' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!.trim();
    expect(key).toMatch(/^wck_[A-Za-z0-9_-]{43}$/);
    await expect(page.getByTestId(`source-${name}`)).toContainText('0 events');

    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${key}` },
    });
    const ok = await api.post('/api/v1/events', {
      data: {
        events: [
          {
            id: 'ui-1',
            occurred_at: new Date().toISOString(),
            action: 'contact.update',
            actor: { name: 'Browser test' },
          },
        ],
      },
    });
    expect(ok.status()).toBe(200);
    await page.reload();
    await expect(page.getByTestId(`source-${name}`)).toContainText('1 events');

    await page.getByRole('button', { name: new RegExp(`^Revoke key wck_.* of ${name}$`) }).click();
    await expect(page.getByTestId(`source-${name}`).getByText(/^revoked/)).toBeVisible();
    const refused = await api.post('/api/v1/events', {
      data: {
        events: [
          {
            id: 'ui-2',
            occurred_at: new Date().toISOString(),
            action: 'contact.update',
            actor: {},
          },
        ],
      },
    });
    expect(refused.status()).toBe(401);
    await api.dispose();

    const [source] = await e2eDb()
      .select({ id: sources.id })
      .from(sources)
      .where(eq(sources.name, name));
    const events = await e2eDb().execute<{
      action: string;
      actor_email: string;
      changes: unknown;
      target_label: string;
    }>(
      sql`select action, actor_email, changes, target_label from audit_events where action in ('source.create', 'api_key.create', 'api_key.revoke') and (target_id = ${source!.id} or target_label like ${name + ':%'}) order by seq`,
    );
    expect(events.map((e) => e.action)).toEqual([
      'source.create',
      'api_key.create',
      'api_key.revoke',
    ]);
    expect(events.every((e) => e.actor_email === 'admin@demo.test')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(key);
  });

  test('a bad source name is refused with a message that names it', async ({ page }) => {
    await page.goto('/admin/sources');
    const form = page.getByRole('form', { name: 'Create a source' });
    await form.getByLabel(/^Name/).fill("Bad Name'; DROP TABLE sources;--");
    await form.getByRole('button', { name: 'Create source' }).click();
    await expect(form.locator('#source-name-error')).toHaveText(/lower-case letters/);
  });
});
