import { DASHBOARD_ACTIONS } from '@/lib/audit/types';
import { ROLE_LABELS, ROLES } from '@/lib/authz';
import { setActive, setExpiry } from '@/lib/users';
import {
  auditEventsFor,
  createTestUser,
  DEMO,
  DEMO_PASSWORD,
  e2eDb,
  expect,
  signIn,
  signInError,
  test,
} from '../fixtures';

const ADMIN_ACTING = {
  actor: { id: 'system:e2e', name: 'e2e admin stand-in', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

test.describe('sign-in', () => {
  for (const role of ROLES) {
    test(`${role} signs in and sees their name, role and only the pages their role allows`, async ({
      page,
    }) => {
      await signIn(page, DEMO[role], DEMO_PASSWORD);
      await expect(page.getByTestId('current-user-role')).toHaveText(ROLE_LABELS[role]);
      await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'Overview' })).toBeVisible();
      await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(role === 'admin' ? 1 : 0);
    });
  }

  test('a wrong password and an unknown email get the same answer', async ({ page }) => {
    const user = await createTestUser('reviewer');
    await signIn(page, user.email, 'wrong-password-123');
    await expect(signInError(page)).toBeVisible();
    const wrong = await signInError(page).textContent();
    await signIn(page, `nobody-${Date.now()}@example.test`, 'wrong-password-123');
    await expect(signInError(page)).toBeVisible();
    const unknown = await signInError(page).textContent();
    expect(wrong).toBe('Wrong email or password.');
    expect(unknown).toBe(wrong);
    const events = await auditEventsFor(user.id);
    expect(events.map((e) => e.action)).toContain('auth.sign_in_failed');
  });

  test('five failures lock the account, even for the right password, whatever X-Forwarded-For says', async ({
    page,
  }) => {
    const user = await createTestUser('reviewer');
    for (let i = 0; i < 5; i++) {
      // A client rotating X-Forwarded-For must not look like five different clients.
      await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `203.0.113.${i + 1}` });
      await signIn(page, user.email, `wrong-password-${i}`);
      await expect(signInError(page)).toBeVisible();
    }
    await signIn(page, user.email, user.password);
    await expect(signInError(page)).toHaveText(/locked/);
    await expect(page).toHaveURL(/\/sign-in/);
    const events = await auditEventsFor(user.id);
    expect(events.filter((e) => e.action === 'auth.locked_out')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'auth.sign_in')).toHaveLength(0);
    // The address recorded is the socket's, not the header the client sent.
    expect(
      new Set(events.filter((e) => e.action.startsWith('auth.')).map((e) => e.actor_ip)),
    ).toEqual(new Set(['127.0.0.1']));
  });

  test('an anonymous visitor is sent to sign-in and comes back to the page they asked for', async ({
    page,
  }) => {
    await page.goto('/admin/users');
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin%2Fusers/);
    await page.getByLabel('Email').fill(DEMO.admin);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  });

  test('sign-out ends the session on the server: replaying the old cookie is refused', async ({
    page,
    browser,
  }) => {
    const user = await createTestUser('compliance_officer');
    await signIn(page, user.email, user.password);
    await expect(page.getByTestId('current-user-name')).toHaveText(user.name);
    const state = await page.context().storageState();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    const replay = await browser.newContext({ storageState: state });
    const again = await replay.newPage();
    await again.goto('/');
    await expect(again).toHaveURL(/\/sign-in/);
    await replay.close();
    const actions = (await auditEventsFor(user.id)).map((e) => e.action);
    expect(actions).toEqual(['user.create', 'auth.sign_in', 'auth.sign_out']);
    expect(DASHBOARD_ACTIONS['auth.sign_out']).toBeTruthy();
  });

  test("a deactivated user's live session is refused on its next request", async ({ page }) => {
    const user = await createTestUser('reviewer');
    await signIn(page, user.email, user.password);
    await expect(page.getByTestId('current-user-name')).toHaveText(user.name);
    await e2eDb().transaction((tx) =>
      setActive(tx, ADMIN_ACTING, { userId: user.id, active: false }),
    );
    await page.reload();
    await expect(page).toHaveURL(/\/sign-in/);
    await signIn(page, user.email, user.password);
    await expect(signInError(page)).toHaveText('Wrong email or password.');
  });

  test('an auditor past their expiry is refused, and so is their open session', async ({
    page,
  }) => {
    const expired = await createTestUser('auditor', { expiresAt: new Date(Date.now() - 60_000) });
    await signIn(page, expired.email, expired.password);
    await expect(signInError(page)).toHaveText('Wrong email or password.');

    const auditor = await createTestUser('auditor', {
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await signIn(page, auditor.email, auditor.password);
    await expect(page.getByTestId('current-user-role')).toHaveText('Auditor');
    await e2eDb().transaction((tx) =>
      setExpiry(tx, ADMIN_ACTING, { userId: auditor.id, expiresAt: new Date(Date.now() - 1000) }),
    );
    await page.reload();
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test('the session cookie is httpOnly and SameSite=Lax', async ({ page }) => {
    const user = await createTestUser('reviewer');
    await signIn(page, user.email, user.password);
    await expect(page.getByTestId('current-user-name')).toBeVisible();
    const cookie = (await page.context().cookies()).find((c) =>
      c.name.endsWith('authjs.session-token'),
    );
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe('Lax');
    // 8-hour default lifetime
    const lifetime = cookie!.expires - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(7.9 * 3600);
    expect(lifetime).toBeLessThanOrEqual(8 * 3600 + 5);
  });
});
