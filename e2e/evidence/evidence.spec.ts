import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { createTestUser, e2eDb, expect, signIn, storageStateFor, test, DEMO } from '../fixtures';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
type Incident = {
  kind: string;
  eventIds: string[];
  actorId: string | null;
  start: string;
  end: string;
};
const incidents = () =>
  (JSON.parse(readFileSync('.data/e2e/demo-manifest.json', 'utf8')) as { incidents: Incident[] })
    .incidents;

/** The standalone verifier, run the way an auditor runs it. */
function verifyBundle(zip: string, key: string) {
  const result = spawnSync(
    process.execPath,
    ['scripts/verify-bundle.mjs', zip, '--public-key', key],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

async function exportsBy(email: string) {
  const [row] = await e2eDb().$client<{ n: number }[]>`
    select count(*)::int as n from audit_events where action = 'evidence.export' and actor_email = ${email}`;
  return row!.n;
}

/** A fresh auditor account signed in in its own browser context. */
async function freshAuditor(browser: Browser) {
  const user = await createTestUser('auditor');
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, user.email, user.password);
  await expect(page.getByTestId('current-user-name')).toBeVisible();
  return { user, context, page };
}

test.describe('evidence export', () => {
  test.describe('as the auditor', () => {
    test.use({ storageState: storageStateFor('auditor') });

    test('exports the planted salary incident in Chromium; the standalone verifier passes it with the key from the integrity page, and fails it once a byte is changed', async ({
      page,
    }) => {
      test.setTimeout(120_000);
      const incident = incidents().find((i) => i.kind === 'offhours_salary_edit')!;
      const dir = mkdtempSync(path.join(tmpdir(), 'whochanged-evidence-'));
      const [auditor] = await e2eDb().$client<{ id: string; name: string }[]>`
        select id, name from users where email = ${DEMO.auditor}`;

      // The public key, from the integrity page in the same browser.
      await page.goto('/integrity');
      const fingerprint = (await page.getByTestId('key-fingerprint').textContent())!.replace(
        / /g,
        '',
      );
      const [keyDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download public key' }).click(),
      ]);
      const keyFile = path.join(dir, keyDownload.suggestedFilename());
      await keyDownload.saveAs(keyFile);

      // The incident's person over the incident's night, linked the way other pages link here.
      const from = new Date(Math.floor(Date.parse(incident.start) / 60_000) * 60_000);
      const to = new Date(Math.ceil(Date.parse(incident.end) / 60_000) * 60_000 + 60_000);
      await page.goto(
        `/evidence?${new URLSearchParams({
          person: incident.actorId!,
          from: from.toISOString(),
          to: to.toISOString(),
        })}`,
      );
      await expect(page.getByRole('heading', { level: 1, name: 'Export evidence' })).toBeVisible();
      await expect(page.getByLabel('One person')).toBeChecked();
      await expect(page.getByLabel('Actor id')).toHaveValue(incident.actorId!);
      await expect(page.getByLabel('From (UTC)')).toHaveValue(from.toISOString().slice(0, 16));
      await expect(page.getByLabel('To (UTC)')).toHaveValue(to.toISOString().slice(0, 16));
      await expect(page.getByLabel('Include alerts and their review history')).toBeChecked();

      const before = await exportsBy(DEMO.auditor);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export evidence bundle' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^whochanged-evidence-[\dT-]+Z\.zip$/);
      const zipFile = path.join(dir, 'bundle.zip');
      await download.saveAs(zipFile);
      expect(await exportsBy(DEMO.auditor)).toBe(before + 1);

      // The auditor's own check: PASS, exit code 0.
      const pass = verifyBundle(zipFile, keyFile);
      expect(pass.out).toMatch(/^PASS/);
      expect(pass.status, pass.out).toBe(0);
      expect(pass.out).toContain(fingerprint);

      // What is inside: the auditor named as its maker, the incident's events in full, the
      // export's own audit event, and the off-hours alert.
      const files = unzipSync(readFileSync(zipFile));
      const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as {
        createdBy: { id: string; name: string; role: string };
        scope: { person: string | null };
        exportCheckpoint: number;
      };
      expect(manifest.createdBy).toEqual({ id: auditor!.id, name: auditor!.name, role: 'auditor' });
      expect(manifest.scope.person).toBe(incident.actorId);
      const lines = strFromU8(files['events.ndjson']!)
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { event?: { sourceEventId: string | null; action: string } });
      const inScope = lines.flatMap((l) => (l.event ? [l.event] : []));
      for (const id of incident.eventIds) expect(inScope.map((e) => e.sourceEventId)).toContain(id);
      expect(inScope.some((e) => e.action === 'evidence.export')).toBe(true);
      const csv = strFromU8(files['events.csv']!);
      expect(csv.split('\n')[0]).toContain('occurred_at');
      // One row per salary change of the night, by the incident's person.
      const salaryRows = csv
        .split('\n')
        .filter((l) => l.includes(`"employee.update","success","${incident.actorId}"`));
      expect(salaryRows).toHaveLength(
        incident.eventIds.filter((id) => id.startsWith('hris')).length,
      );
      for (const r of salaryRows) expect(r).toContain('"salary"');
      const alerts = JSON.parse(strFromU8(files['alerts.json']!)) as { rule: string }[];
      expect(alerts.map((a) => a.rule)).toContain('off_hours_change');

      // One byte flipped in the middle of the file: FAIL, exit code 1.
      const bytes = readFileSync(zipFile);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      const flipped = path.join(dir, 'flipped.zip');
      writeFileSync(flipped, bytes);
      const failed = verifyBundle(flipped, keyFile);
      expect(failed.out).toMatch(/^FAIL/);
      expect(failed.status, failed.out).toBe(1);

      // One salary in the CSV edited and the zip rebuilt cleanly: still FAIL.
      const edited = path.join(dir, 'edited.zip');
      const csvEdited = csv.replace(
        /"salary","(\d)/,
        (_m, d: string) => `"salary","${d === '9' ? '1' : String(Number(d) + 1)}`,
      );
      expect(csvEdited).not.toBe(csv);
      writeFileSync(edited, zipSync({ ...files, 'events.csv': strToU8(csvEdited) }));
      const editedResult = verifyBundle(edited, keyFile);
      expect(editedResult.out).toMatch(/^FAIL/);
      expect(editedResult.out).toContain('events.csv');
      expect(editedResult.status, editedResult.out).toBe(1);

      // The export is in the audit log, by the auditor, for anyone to find in the explorer.
      await page.goto('/events?q=' + encodeURIComponent('action:evidence.export'));
      const row = page
        .locator('tbody tr[data-event-id]')
        .filter({ hasText: auditor!.name })
        .first();
      await expect(row).toBeVisible();
      await expect(row).toContainText('evidence.export');
    });
  });

  test('a bundle posted by a script with the right Origin downloads; a missing, null or foreign Origin is refused and records nothing', async ({
    browser,
  }) => {
    const { user, context } = await freshAuditor(browser);
    const client = context.request;
    // An hour of every event, to keep the bundle small: the period only has to be valid.
    const now = Date.now();
    const fields = {
      from: new Date(now - 3600_000).toISOString().slice(0, 16),
      to: new Date(now + 60_000).toISOString().slice(0, 16),
      scope: 'all',
      alerts: 'on',
    };
    for (const origin of [undefined, 'null', 'http://evil.example', `${BASE}.evil.example`]) {
      const response = await client.post('/evidence/export', {
        form: fields,
        headers: origin ? { Origin: origin } : {},
        maxRedirects: 0,
      });
      expect(response.status(), `Origin ${origin}`).toBe(403);
      expect((await response.json()).error).toMatch(/Origin header is missing or names another/);
    }
    // An oversized form is not read at all.
    const huge = await client.post('/evidence/export', {
      form: { ...fields, scope: 'query', q: 'x'.repeat(20_000) },
      headers: { Origin: BASE },
    });
    expect(huge.status()).toBe(413);
    expect((await huge.json()).error).toMatch(/The form is too large/);
    expect(await exportsBy(user.email)).toBe(0);

    const ok = await client.post('/evidence/export', {
      form: fields,
      headers: { Origin: BASE },
      maxRedirects: 0,
    });
    expect(ok.status()).toBe(200);
    const headers = ok.headers();
    expect(headers['content-type']).toBe('application/zip');
    expect(headers['cache-control']).toContain('no-store');
    expect(headers['content-disposition']).toMatch(
      /^attachment; filename="whochanged-evidence-[\dT-]+Z\.zip"$/,
    );
    const checkpoint = Number(headers['x-export-checkpoint']);
    expect(checkpoint).toBeGreaterThan(0);
    const manifest = JSON.parse(strFromU8(unzipSync(await ok.body())['manifest.json']!)) as {
      exportCheckpoint: number;
    };
    expect(manifest.exportCheckpoint).toBe(checkpoint);
    const [cp] = await e2eDb().$client<{ reason: string }[]>`
      select reason from checkpoints where id = ${checkpoint}`;
    expect(cp!.reason).toBe('export');
    expect(await exportsBy(user.email)).toBe(1);
    await context.close();
  });

  test('bad input in the form shows what is wrong, keeps what was typed, and records nothing', async ({
    browser,
  }) => {
    const { user, context, page } = await freshAuditor(browser);
    await page.goto('/evidence');
    // The default period: the last 30 days, in UTC.
    const from = await page.getByLabel('From (UTC)').inputValue();
    const to = await page.getByLabel('To (UTC)').inputValue();
    expect(Date.parse(`${to}Z`) - Date.parse(`${from}Z`)).toBe(30 * 86_400_000);
    await expect(page.getByText(/Both times are in UTC/)).toBeVisible();

    // The end before the start.
    await page.getByLabel('From (UTC)').fill('2026-03-10T12:00');
    await page.getByLabel('To (UTC)').fill('2026-03-01T12:00');
    await page.getByRole('button', { name: 'Export evidence bundle' }).click();
    const error = page.getByTestId('evidence-error');
    await expect(error).toContainText('The end of the period (To) must be after its start (From).');
    await expect(error).toHaveAttribute('role', 'alert');
    await expect(page.getByLabel('To (UTC)')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('From (UTC)')).toHaveValue('2026-03-10T12:00');
    await expect(page.getByLabel('To (UTC)')).toHaveValue('2026-03-01T12:00');

    // An invalid search, in the explorer's grammar.
    await page.getByLabel('To (UTC)').fill('2026-03-20T12:00');
    await page.getByLabel('Search', { exact: true }).fill('((field:salary');
    await expect(page.getByLabel('A search')).toBeChecked();
    await page.getByRole('button', { name: 'Export evidence bundle' }).click();
    await expect(error).toContainText('The search is not valid:');
    await expect(page.getByLabel('Search', { exact: true })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    await expect(page.getByLabel('Search', { exact: true })).toHaveValue('((field:salary');

    // A record scope without its id.
    await page.getByLabel('One record').check();
    await page.getByLabel('Record type').fill('employee');
    await page.getByRole('button', { name: 'Export evidence bundle' }).click();
    await expect(error).toContainText('Enter the record id.');

    // The message belongs to that attempt: the page opened afresh shows none.
    await page.goto('/evidence');
    await expect(page.getByTestId('evidence-error')).toHaveCount(0);

    // The same refusals to a script: 400 JSON naming the field.
    const response = await context.request.post('/evidence/export', {
      form: { from: '2026-03-10T12:00', to: '2026-03-01T12:00', scope: 'all' },
      headers: { Origin: BASE },
    });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual({
      error: 'The end of the period (To) must be after its start (From).',
      field: 'to',
    });
    const search = await context.request.post('/evidence/export', {
      form: {
        from: '2026-03-01T12:00',
        to: '2026-03-10T12:00',
        scope: 'query',
        q: 'nosuchfield:1',
      },
      headers: { Origin: BASE },
    });
    expect(search.status()).toBe(400);
    expect(await search.json()).toMatchObject({ field: 'q', error: /The search is not valid/ });

    expect(await exportsBy(user.email)).toBe(0);
    await context.close();
  });

  test.describe('as a reviewer', () => {
    test.use({ storageState: storageStateFor('reviewer') });

    test('has no Evidence page, no nav entry, no export links, and the export is refused with 403', async ({
      page,
    }) => {
      const response = await page.goto('/evidence');
      expect(response?.status()).toBe(403);
      await expect(page.getByRole('heading', { name: 'Forbidden' })).toBeVisible();
      await expect(
        page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evidence' }),
      ).toHaveCount(0);
      await page.goto('/actors/emp-1046');
      await expect(page.getByRole('link', { name: 'Open in the explorer' })).toBeVisible();
      await expect(page.getByRole('link', { name: 'Export evidence' })).toHaveCount(0);

      const before = await exportsBy(DEMO.reviewer);
      const refused = await page.request.post('/evidence/export', {
        form: {
          from: '2026-03-01T00:00',
          to: '2026-03-02T00:00',
          scope: 'all',
        },
        headers: { Origin: BASE },
        maxRedirects: 0,
      });
      expect(refused.status()).toBe(403);
      expect(await refused.json()).toEqual({
        error: 'You do not have permission to export evidence.',
      });
      expect(await exportsBy(DEMO.reviewer)).toBe(before);
    });
  });

  test('signed out, the export is refused with 401', async ({ playwright }) => {
    // A session cookie that names no session gets past the proxy's redirect to the handler.
    const client = await playwright.request.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Cookie: 'authjs.session-token=not-a-session', Origin: BASE },
    });
    const response = await client.post('/evidence/export', {
      form: { from: '2026-03-01T00:00', to: '2026-03-02T00:00', scope: 'all' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(401);
    expect(await response.json()).toEqual({ error: 'You are not signed in.' });
    await client.dispose();
  });

  test.describe('links from other pages', () => {
    test.use({ storageState: storageStateFor('compliance_officer') });

    test('the person and record pages link to a prepared export', async ({ page }) => {
      const incident = incidents().find((i) => i.kind === 'offhours_salary_edit')!;
      await page.goto(`/actors/${encodeURIComponent(incident.actorId!)}`);
      await page.getByRole('link', { name: 'Export evidence' }).click();
      await expect(page).toHaveURL(/\/evidence\?person=/);
      await expect(page.getByLabel('One person')).toBeChecked();
      await expect(page.getByLabel('Actor id')).toHaveValue(incident.actorId!);

      await page.goto('/records/employee/emp-1042');
      await page.getByRole('link', { name: 'Export evidence' }).click();
      await expect(page).toHaveURL(/\/evidence\?record=employee%2Femp-1042$/);
      await expect(page.getByLabel('One record')).toBeChecked();
      await expect(page.getByLabel('Record type')).toHaveValue('employee');
      await expect(page.getByLabel('Record id')).toHaveValue('emp-1042');
    });
  });
});
