import type { Browser, Page } from '@playwright/test';
import { createTestUser, DEMO, expect, signIn, storageStateFor, test } from '../fixtures';
import { RULE_NAMES } from '@/lib/detection/types';
import {
  alertAuditEvents,
  alertRow,
  alertWith,
  createAlert,
  demoActorWithChanges,
  demoUser,
  unique,
} from './helpers';

/** A fresh reviewer signed in in their own browser context. */
async function reviewerSession(browser: Browser, name: string) {
  const user = await createTestUser('reviewer', { name });
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, user.email, user.password);
  await expect(page.getByTestId('current-user-name')).toHaveText(name);
  return { user, context, page };
}

const historyEntry = (page: Page, action: string) =>
  page.getByRole('list', { name: 'History' }).locator(`li[data-action="${action}"]`);

test.describe('alert page, triage in the browser', () => {
  test('a reviewer acknowledges, comments and resolves; the history shows each step and who took it', async ({
    browser,
  }) => {
    const { user, context, page } = await reviewerSession(browser, `Riley Triage ${unique('n')}`);
    const person = await demoActorWithChanges(3);
    const earlier = await createAlert({ ...person, rule: 'burst', summary: 'An earlier alert' });
    const id = await createAlert({
      ...person,
      rule: 'sensitive_field',
      severity: 'high',
      summary: `${person.actorName ?? person.actorId} changed salary fields outside working hours`,
      details: {
        fields: ['salary', 'bonus'],
        threshold: 2,
        window: { minutes: 10, timeZone: 'Europe/Berlin' },
        baseline: { perDay: [1, 2, 3], deep: { deeper: { deepest: 'kept as JSON' } } },
      },
      eventCount: 5,
    });

    await page.goto(`/alerts/${id}`);
    await expect(
      page.getByRole('heading', { level: 1, name: `Alert #${id}: ${RULE_NAMES.sensitive_field}` }),
    ).toBeVisible();
    await expect(page.getByTestId('alert-summary')).toContainText('changed salary fields');
    const details = page.getByTestId('alert-details');
    await expect(details).toContainText('salary, bonus');
    await expect(details).toContainText('Time zone');
    await expect(details).toContainText('Europe/Berlin');
    await expect(details).toContainText('"deepest": "kept as JSON"');
    await expect(page.getByTestId('events-shown')).toHaveText('Showing 3 of 5');
    const triggering = page.getByRole('list', { name: 'Triggering events' }).locator('> li');
    await expect(triggering).toHaveCount(3);
    await expect(triggering.first().getByRole('table', { name: 'Field changes' })).toBeVisible();
    // The newest triggering event is always within the window shown (newest first).
    await expect(
      page.getByRole('list', { name: 'Surrounding activity' }).locator('li[data-trigger]').first(),
    ).toBeVisible();
    await expect(
      page.getByRole('list', { name: 'Related alerts' }).getByRole('link', { name: `#${earlier}` }),
    ).toBeVisible();
    await expect(page.getByText('Nobody has acted on this alert yet.')).toBeVisible();

    const triage = page.getByRole('region', { name: 'Triage' });
    await triage.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(triage.getByRole('status')).toHaveText('Acknowledged.');
    await expect(page.getByTestId('alert-state')).toContainText('Acknowledged');
    await expect(triage.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);

    const comment = 'Checked with HR <b>not bold</b>; the raise was agreed in March.';
    await triage.getByLabel('Comment').fill(comment);
    await triage.getByRole('button', { name: 'Add comment' }).click();
    await expect(triage.getByRole('status')).toHaveText('Comment added.');
    await expect(triage.getByLabel('Comment')).toHaveValue('');

    await triage.getByRole('button', { name: 'Resolve…' }).click();
    const dialog = page.getByRole('dialog', { name: `Resolve alert #${id}` });
    await dialog.getByLabel('Disposition').selectOption({ label: 'False positive' });
    await dialog.getByLabel(/Note/).fill('HR confirmed the change.');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('alert-state')).toContainText('Resolved');
    await expect(page.getByTestId('alert-state')).toContainText('False positive');
    await expect(triage.getByRole('button', { name: 'Reopen…' })).toBeVisible();
    await expect(triage.getByRole('button', { name: 'Resolve…' })).toHaveCount(0);
    await expect(triage.getByLabel('Assignee')).toHaveCount(0);

    await expect(historyEntry(page, 'alert.acknowledge')).toContainText(user.name);
    await expect(historyEntry(page, 'alert.acknowledge')).toContainText(
      'Status: open → acknowledged',
    );
    await expect(historyEntry(page, 'alert.comment')).toContainText(user.name);
    await expect(historyEntry(page, 'alert.comment')).toContainText(comment);
    await expect(historyEntry(page, 'alert.resolve')).toContainText(user.name);
    await expect(historyEntry(page, 'alert.resolve')).toContainText(
      'Disposition: none → False positive',
    );
    await expect(historyEntry(page, 'alert.resolve')).toContainText('HR confirmed the change.');

    const events = await alertAuditEvents(id);
    expect(
      events.map((e) => [e.action, e.outcome, e.actor_email, e.target_type, e.reason]),
    ).toEqual([
      ['alert.acknowledge', 'success', user.email, 'alert', null],
      ['alert.comment', 'success', user.email, 'alert', comment],
      ['alert.resolve', 'success', user.email, 'alert', 'HR confirmed the change.'],
    ]);
    expect(events[2]!.changes).toEqual([
      { field: 'status', old: 'acknowledged', new: 'resolved' },
      { field: 'disposition', old: null, new: 'false_positive' },
    ]);
    expect(await alertRow(id)).toMatchObject({ status: 'resolved', version: 3 });

    await triage.getByRole('button', { name: 'Reopen…' }).click();
    await page.getByRole('dialog').getByLabel(/Why/).fill('New information from payroll.');
    await page.getByRole('dialog').getByRole('button', { name: 'Reopen' }).click();
    await expect(triage.getByRole('status')).toHaveText('Reopened.');
    await expect(triage.getByRole('button', { name: 'Acknowledge' })).toBeVisible();
    await expect(historyEntry(page, 'alert.reopen')).toContainText('New information from payroll.');
    await context.close();
  });

  test('resolving as an expected change without a ticket is refused with a message; with one it resolves', async ({
    browser,
  }) => {
    const { context, page } = await reviewerSession(browser, `Tess Ticket ${unique('n')}`);
    const id = await createAlert({ actorId: unique('ticket'), rule: 'privilege_grant' });
    await page.goto(`/alerts/${id}`);
    await page.getByRole('button', { name: 'Resolve…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Disposition').selectOption('expected_change');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await expect(dialog.getByRole('alert')).toHaveText(
      'An expected change needs the ticket or approval reference.',
    );
    expect(await alertRow(id)).toMatchObject({ status: 'open', version: 1 });
    expect(await alertAuditEvents(id)).toEqual([]);

    await dialog.getByLabel(/Ticket or approval reference/).fill('CHG-7781');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('alert-state')).toContainText('CHG-7781');
    expect(await alertRow(id)).toMatchObject({
      status: 'resolved',
      disposition: 'expected_change',
      ticket: 'CHG-7781',
    });
    await context.close();
  });

  test('segregation of duties: a reviewer cannot acknowledge an alert about their own changes; the refusal is recorded', async ({
    browser,
  }) => {
    const { user, context, page } = await reviewerSession(browser, `Sam Self ${unique('n')}`);
    const id = await createAlert({
      actorId: unique('self'),
      actorName: user.name,
      actorEmail: user.email.toUpperCase(),
      rule: 'self_change',
    });
    await page.goto(`/alerts/${id}`);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(alertWith(page, 'it is about your own changes')).toHaveText(
      `You cannot acknowledge alert #${id}: it is about your own changes. Ask another reviewer.`,
    );
    expect(await alertRow(id)).toMatchObject({ status: 'open', version: 1 });
    const events = await alertAuditEvents(id);
    expect(events.map((e) => [e.action, e.outcome, e.actor_email, e.metadata.attempted])).toEqual([
      ['alert.triage_refused', 'failure', user.email, 'acknowledge'],
    ]);
    await page.reload();
    await expect(historyEntry(page, 'alert.triage_refused')).toContainText('refused');
    await expect(historyEntry(page, 'alert.triage_refused')).toContainText(user.name);
    await expect(historyEntry(page, 'alert.triage_refused')).toContainText(
      'it is about your own changes',
    );
    await context.close();
  });

  test('two reviewers acknowledge the same alert at once: one succeeds, the other is told it changed', async ({
    browser,
  }) => {
    const first = await reviewerSession(browser, `Ada Parallel ${unique('n')}`);
    const second = await reviewerSession(browser, `Bo Parallel ${unique('n')}`);
    const id = await createAlert({ actorId: unique('race') });
    await Promise.all([first.page.goto(`/alerts/${id}`), second.page.goto(`/alerts/${id}`)]);
    await Promise.all(
      [first.page, second.page].map((p) =>
        p
          .getByRole('region', { name: 'Triage' })
          .getByRole('button', { name: 'Acknowledge' })
          .click(),
      ),
    );
    const outcome = async (p: Page) => {
      if (await alertWith(p, 'changed while you were looking').count()) return 'stale';
      if ((await p.getByRole('status').filter({ hasText: 'Acknowledged.' }).count()) > 0)
        return 'done';
      return 'pending';
    };
    await expect
      .poll(async () => [await outcome(first.page), await outcome(second.page)].sort())
      .toEqual(['done', 'stale']);
    const winner = (await outcome(first.page)) === 'done' ? first : second;
    const loser = winner === first ? second : first;
    await expect(alertWith(loser.page, 'changed while you were looking')).toContainText(
      `Alert #${id} changed while you were looking: ${winner.user.name} acknowledged it at`,
    );
    await expect(alertWith(loser.page, 'changed while you were looking')).toContainText(
      'nothing was changed by you',
    );
    expect(await alertRow(id)).toMatchObject({ status: 'acknowledged', version: 2 });
    const events = await alertAuditEvents(id);
    expect(events.map((e) => [e.action, e.actor_email])).toEqual([
      ['alert.acknowledge', winner.user.email],
    ]);
    await first.context.close();
    await second.context.close();
  });
});

test.describe('alert page, assignment and snoozing', () => {
  test.use({ storageState: storageStateFor('reviewer') });

  test('assign, unassign, snooze until a local time, unsnooze', async ({ page }) => {
    const compliance = await demoUser(DEMO.compliance_officer);
    const id = await createAlert({ actorId: unique('assign') });
    await page.goto(`/alerts/${id}`);
    const triage = page.getByRole('region', { name: 'Triage' });
    await triage.getByLabel('Assignee').selectOption({ label: compliance.name });
    await triage.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect(triage.getByRole('status')).toHaveText('Assigned.');
    await expect(page.getByTestId('alert-state')).toContainText(compliance.name);
    expect((await alertRow(id)).assignee_id).toBe(compliance.id);
    await expect(historyEntry(page, 'alert.assign')).toContainText(`none → ${compliance.name}`);

    await triage.getByLabel('Assignee').selectOption('');
    await triage.getByRole('button', { name: 'Unassign' }).click();
    await expect(triage.getByRole('status')).toHaveText('Unassigned.');
    expect((await alertRow(id)).assignee_id).toBeNull();

    await triage.getByLabel(/Snooze until/).fill('2099-01-02T03:04');
    await triage.getByRole('button', { name: 'Snooze', exact: true }).click();
    await expect(triage.getByRole('status')).toHaveText('Snoozed.');
    const expected = await page.evaluate(() => new Date('2099-01-02T03:04').toISOString());
    expect((await alertRow(id)).snoozed_until).toBe(expected);
    await expect(page.getByTestId('alert-state')).toContainText('2099');
    await triage.getByRole('button', { name: 'Unsnooze' }).click();
    await expect(triage.getByRole('status')).toHaveText('Unsnoozed.');
    expect((await alertRow(id)).snoozed_until).toBeNull();
    await expect(triage.getByRole('button', { name: 'Unsnooze' })).toHaveCount(0);

    const events = await alertAuditEvents(id);
    expect(events.map((e) => [e.action, e.actor_email])).toEqual([
      ['alert.assign', DEMO.reviewer],
      ['alert.assign', DEMO.reviewer],
      ['alert.snooze', DEMO.reviewer],
      ['alert.snooze', DEMO.reviewer],
    ]);
    expect(events[2]!.changes).toEqual([{ field: 'snoozed_until', old: null, new: expected }]);
  });

  test('an unknown or non-numeric id is not found', async ({ page }) => {
    for (const path of [
      '/alerts/abc',
      '/alerts/0',
      '/alerts/99999999999',
      '/alerts/1e3',
      '/alerts/-1',
    ]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    }
  });

  test('hostile text in an alert renders as text and never runs', async ({ page }) => {
    const actorId = unique('xss');
    const hostile = '<img src=x onerror=alert(1)>';
    const id = await createAlert({
      actorId,
      actorName: '"><svg onload=alert(1)>',
      summary: hostile,
      targetType: 'contact',
      targetId: 'javascript:alert(1)',
      targetLabel: '<script>window.__pwned=1</script>',
      details: {
        '<b>key</b>': '<script>window.__pwned=1</script>',
        nested: { html: '<svg/onload=window.__pwned=1>', list: ['<img src=x onerror=alert(1)>'] },
      },
    });
    await page.addInitScript(() => {
      window.alert = () => ((window as unknown as { __pwned: number }).__pwned = 2);
    });
    await page.goto(`/alerts?${new URLSearchParams({ actor: actorId })}`);
    await expect(
      page.locator(`tr[data-alert-id="${id}"]`).getByText(hostile, { exact: true }),
    ).toBeVisible();
    await page.goto(`/alerts/${id}`);
    await expect(page.getByTestId('alert-summary')).toHaveText(hostile);
    await expect(page.getByTestId('alert-details')).toContainText('<svg/onload=window.__pwned=1>');
    await expect(page.getByTestId('alert-state')).toContainText(
      '<script>window.__pwned=1</script>',
    );
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
    const hrefs = await page
      .locator('a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.some((h) => h.startsWith('javascript:'))).toBe(false);
  });
});
