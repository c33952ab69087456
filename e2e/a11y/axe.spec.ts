import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import type { Role } from '@/lib/authz';
import { e2eDb, expect, storageStateFor, test } from '../fixtures';

/**
 * Every page, for a role that can see it, in both themes, through axe-core with the WCAG 2.1 A
 * and AA rules. A serious or critical violation fails the test and is printed with the elements
 * it was found on. The overview and the alert queue are also saved as full-page screenshots
 * (test-results/screenshots/, ignored by git) for a look at each theme.
 */

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const THEMES = ['light', 'dark'] as const;

type Ids = { alertId: number; actorId: string; record: { type: string; id: string } };

/** A demo alert (not one another spec made) about a person and a record, for the detail pages. */
async function demoIds(): Promise<Ids> {
  const sql = e2eDb().$client;
  const [alert] = await sql<{ id: number; actor_id: string }[]>`
    select id::int as id, actor_id from alerts
    where dedupe_key not like 'e2e-%' and actor_id is not null
    order by event_count desc, id limit 1`;
  const [record] = await sql<{ type: string; id: string }[]>`
    select target_type as type, target_id as id from audit_events
    where target_type is not null and target_id is not null and jsonb_array_length(changes) > 1
    order by seq limit 1`;
  if (!alert || !record) throw new Error('the demo data has no alert or no changed record');
  return { alertId: alert.id, actorId: alert.actor_id, record };
}

type Check = {
  name: string;
  role: Role | 'anonymous';
  path: (ids: Ids) => string;
  status?: number;
  /** Brings the page into the state to check (an open dialog, an expanded row). */
  prepare?: (page: Page) => Promise<void>;
  screenshot?: string;
};

const CHECKS: Check[] = [
  { name: 'sign-in', role: 'anonymous', path: () => '/sign-in' },
  { name: 'overview', role: 'admin', path: () => '/', screenshot: 'overview' },
  { name: 'events explorer', role: 'admin', path: () => '/events' },
  {
    name: 'events explorer, a row expanded',
    role: 'admin',
    path: () => '/events',
    prepare: async (page) => {
      await page
        .getByRole('button', { name: /^Show details of event/ })
        .first()
        .click();
      await expect(page.getByRole('button', { name: /^Hide details of event/ })).toBeVisible();
    },
  },
  {
    name: 'record timeline',
    role: 'admin',
    path: ({ record }) =>
      `/records/${encodeURIComponent(record.type)}/${encodeURIComponent(record.id)}`,
  },
  {
    name: 'person timeline',
    role: 'admin',
    path: ({ actorId }) => `/actors/${encodeURIComponent(actorId)}`,
  },
  { name: 'alert queue', role: 'admin', path: () => '/alerts', screenshot: 'alerts' },
  { name: 'alert detail', role: 'admin', path: ({ alertId }) => `/alerts/${alertId}` },
  {
    name: 'alert detail, resolve dialog open',
    role: 'admin',
    path: ({ alertId }) => `/alerts/${alertId}`,
    prepare: async (page) => {
      // Another spec may have resolved this demo alert meanwhile: then the reopen dialog.
      await page.getByRole('button', { name: /^(Resolve|Reopen)…$/ }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
    },
  },
  { name: 'admin users', role: 'admin', path: () => '/admin/users' },
  { name: 'sources', role: 'admin', path: () => '/admin/sources' },
  { name: 'detection rules', role: 'admin', path: () => '/admin/rules' },
  { name: 'integrity', role: 'compliance_officer', path: () => '/integrity' },
  { name: 'evidence export', role: 'auditor', path: () => '/evidence' },
  { name: 'forbidden page', role: 'auditor', path: () => '/admin/users', status: 403 },
  { name: 'not-found page', role: 'admin', path: () => '/no-such-page', status: 404 },
];

function describeViolations(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']) {
  return violations
    .map((v) =>
      [
        `[${v.impact}] ${v.id}: ${v.help}`,
        `  ${v.helpUrl}`,
        ...v.nodes.map(
          (n) =>
            `  - ${n.target.join(' ')}\n    ${n.failureSummary?.replace(/\n/g, '\n    ') ?? ''}`,
        ),
      ].join('\n'),
    )
    .join('\n\n');
}

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({
    path: path.join(testInfo.project.outputDir, 'screenshots', `${name}.png`),
    fullPage: true,
    animations: 'disabled',
  });
}

let ids: Ids;
test.beforeAll(async () => {
  ids = await demoIds();
});

for (const theme of THEMES) {
  test.describe(`${theme} theme`, () => {
    // The operating system says the opposite: the chosen theme (the cookie) must win.
    test.use({
      colorScheme: theme === 'dark' ? 'light' : 'dark',
      reducedMotion: 'reduce',
    });

    for (const check of CHECKS) {
      test.describe(() => {
        test.use({
          storageState:
            check.role === 'anonymous' ? { cookies: [], origins: [] } : storageStateFor(check.role),
        });

        test(`${check.name} (${check.role}) has no serious or critical axe violations`, async ({
          page,
          context,
          baseURL,
        }, testInfo) => {
          await context.addCookies([{ name: 'theme', value: theme, url: baseURL! }]);
          const response = await page.goto(check.path(ids));
          expect(response?.status()).toBe(check.status ?? 200);
          await page.waitForLoadState('networkidle');
          await expect(page.locator('html')).toHaveClass(new RegExp(`\\b${theme}\\b`));
          await check.prepare?.(page);

          const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
          const blocking = results.violations.filter(
            (v) => v.impact === 'serious' || v.impact === 'critical',
          );
          // Every finding, the moderate and minor ones too, stays beside the test's other output.
          const report = testInfo.outputPath('axe-violations.json');
          await writeFile(report, JSON.stringify(results.violations, null, 2));
          await testInfo.attach('axe-violations.json', {
            path: report,
            contentType: 'application/json',
          });
          if (check.screenshot) await screenshot(page, testInfo, `${check.screenshot}-${theme}`);
          expect(
            blocking.map((v) => v.id),
            describeViolations(blocking),
          ).toEqual([]);
        });
      });
    }
  });
}
