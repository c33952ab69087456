import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { ROLES, type Role } from '@/lib/authz';
import { createTestUser, expect, postAction, storageStateFor, test } from '../fixtures';
import { alertAuditEvents, alertRow, createAlert, triageAs, unique } from './helpers';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
type Who = Role | 'anonymous';
const EVERYONE: Who[] = [...ROLES, 'anonymous'];
// Written out by hand (not derived from lib/authz.ts) so a wrong matrix entry fails here.
const MAY_READ: Role[] = ['admin', 'compliance_officer', 'reviewer', 'auditor'];
const MAY_TRIAGE: Role[] = ['admin', 'compliance_officer', 'reviewer'];

async function clientFor(who: Who): Promise<APIRequestContext> {
  return playwrightRequest.newContext({
    baseURL: BASE,
    storageState: who === 'anonymous' ? { cookies: [], origins: [] } : storageStateFor(who),
  });
}

test.describe('alerts: every role against the pages and actions, through real requests', () => {
  for (const who of EVERYONE) {
    test(`${who}: pages ${who !== 'anonymous' && MAY_READ.includes(who) ? 'open' : 'closed'}, triage ${who !== 'anonymous' && MAY_TRIAGE.includes(who) ? 'done and audited' : 'refused, nothing changes'}`, async () => {
      const actorId = unique(`matrix-${who}`);
      const id = await createAlert({ actorId });
      const other = await createAlert({ actorId });
      const client = await clientFor(who);

      for (const path of ['/alerts', `/alerts/${id}`]) {
        const response = await client.get(path, { maxRedirects: 0 });
        if (who === 'anonymous') {
          expect(response.status(), path).toBe(307);
          expect(response.headers().location).toContain('/sign-in');
        } else expect(response.status(), path).toBe(MAY_READ.includes(who) ? 200 : 403);
      }

      const single = await postAction(client, `/alerts/${id}`, 'triageAlertAction', [
        { id, version: 1, action: { kind: 'acknowledge' } },
      ]);
      const bulk = await postAction(client, '/alerts', 'bulkTriageAction', [
        { selection: { filters: { actor: actorId } }, action: { kind: 'comment', text: 'bulk' } },
      ]);
      await client.dispose();

      if (who !== 'anonymous' && MAY_TRIAGE.includes(who)) {
        expect(single.body).toContain('"ok":true');
        expect(bulk.body).toContain('"ok":true');
        expect((await alertRow(id)).status).toBe('acknowledged');
        expect((await alertAuditEvents(id)).map((e) => e.action)).toEqual([
          'alert.acknowledge',
          'alert.comment',
        ]);
        expect((await alertAuditEvents(other)).map((e) => e.action)).toEqual(['alert.comment']);
      } else {
        for (const { status, body } of [single, bulk]) {
          if (who === 'anonymous') expect([200, 307]).toContain(status);
          if (status === 200)
            expect(body).toMatch(who === 'anonymous' ? /not signed in/ : /do not have permission/);
          expect(body).not.toContain('"ok":true');
        }
        expect(await alertRow(id)).toMatchObject({ status: 'open', version: 1 });
        expect(await alertAuditEvents(id)).toEqual([]);
        expect(await alertAuditEvents(other)).toEqual([]);
      }
    });
  }

  test('bad input from a reviewer gets a message naming the problem and changes nothing', async () => {
    const id = await createAlert({ actorId: unique('bad-input') });
    const reviewer = await clientFor('reviewer');
    const cases: [string, unknown[], RegExp][] = [
      [
        'triageAlertAction',
        [{ id, version: 1, action: { kind: 'delete' } }],
        /kind must be one of/,
      ],
      [
        'triageAlertAction',
        [{ id: "' OR '1'='1", version: 1, action: { kind: 'acknowledge' } }],
        /id must be an alert id/,
      ],
      [
        'triageAlertAction',
        [{ id, version: 1, action: { kind: 'acknowledge', status: 'resolved' } }],
        /Unrecognized key/i,
      ],
      [
        'triageAlertAction',
        [{ id, version: 1, action: { kind: 'comment', text: 'x'.repeat(4001) } }],
        /Comment must be at most 4000/,
      ],
      [
        'triageAlertAction',
        [{ id, version: 1, action: { kind: 'comment', text: 'a\u0000b' } }],
        /Comment contains a NUL/,
      ],
      [
        'triageAlertAction',
        [{ id, version: 1, action: { kind: 'resolve', disposition: 'shrug' } }],
        /Disposition must be one of/,
      ],
      [
        'triageAlertAction',
        [{ id, version: 1, action: { kind: 'snooze', until: '2026-01-01T00:00:00' } }],
        /Snooze end must be a date and time/,
      ],
      [
        'triageAlertAction',
        [{ id, version: 1, action: { kind: 'snooze', until: '2001-01-01T00:00:00Z' } }],
        /must end in the future/,
      ],
      [
        'triageAlertAction',
        [{ id, version: 1, action: { kind: 'assign', assigneeId: "' OR 1=1--" } }],
        /assigneeId must be a user id/,
      ],
      [
        'bulkTriageAction',
        [{ selection: { filters: { severity: 'extreme' } }, action: { kind: 'acknowledge' } }],
        /Unknown severity \\?"extreme/,
      ],
      [
        'bulkTriageAction',
        [{ selection: { ids: [] }, action: { kind: 'acknowledge' } }],
        /Select at least one alert/,
      ],
      [
        'bulkTriageAction',
        [
          {
            selection: { filters: { actor: unique('no-such-actor') } },
            action: { kind: 'acknowledge' },
          },
        ],
        /No alerts match these filters/,
      ],
    ];
    for (const [name, args, message] of cases) {
      const { body } = await postAction(
        reviewer,
        name === 'bulkTriageAction' ? '/alerts' : `/alerts/${id}`,
        name,
        args,
      );
      expect(body, `${name} ${JSON.stringify(args).slice(0, 200)}`).toMatch(message);
      expect(body).not.toContain('"ok":true');
    }
    await reviewer.dispose();
    expect(await alertRow(id)).toMatchObject({ status: 'open', version: 1 });
    expect(await alertAuditEvents(id)).toEqual([]);
  });
});

test.describe('alert page for an auditor', () => {
  test.use({ storageState: storageStateFor('auditor') });

  test('an auditor sees the alert and its history but no triage controls', async ({ page }) => {
    const reviewer = await createTestUser('reviewer', { name: `Val Viewed ${unique('n')}` });
    const id = await createAlert({ actorId: unique('auditor'), summary: 'For the auditor' });
    await triageAs(reviewer, [id], { kind: 'acknowledge' });
    await triageAs(reviewer, [id], { kind: 'comment', text: 'Looked into it with IT.' });

    await page.goto(`/alerts/${id}`);
    await expect(page.getByTestId('alert-summary')).toHaveText('For the auditor');
    const history = page.getByRole('list', { name: 'History' });
    await expect(history.locator('li[data-action="alert.acknowledge"]')).toContainText(
      reviewer.name,
    );
    await expect(history.locator('li[data-action="alert.comment"]')).toContainText(
      'Looked into it with IT.',
    );
    await expect(page.getByRole('region', { name: 'Triage' })).toHaveCount(0);
    for (const name of [
      'Acknowledge',
      'Resolve…',
      'Reopen…',
      'Add comment',
      'Assign',
      'Unassign',
      'Snooze',
      'Unsnooze',
    ])
      await expect(page.getByRole('button', { name, exact: true })).toHaveCount(0);
    await expect(page.getByRole('textbox')).toHaveCount(0);
  });
});
