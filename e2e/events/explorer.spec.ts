import { readFileSync } from 'node:fs';
import { request as playwrightRequest } from '@playwright/test';
import { createApiKey, createSource } from '@/lib/ingest/sources';
import { e2eDb, expect, postAction, storageStateFor, test } from '../fixtures';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
type Manifest = {
  incidents: {
    kind: string;
    eventIds: string[];
    actorId: string | null;
    start: string;
    end: string;
  }[];
};
const manifest = () => JSON.parse(readFileSync('.data/e2e/demo-manifest.json', 'utf8')) as Manifest;
const SETUP = {
  actor: { id: 'system:e2e', name: 'e2e setup', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

test.describe('events explorer', () => {
  test.use({ storageState: storageStateFor('compliance_officer') });

  test('one query finds the planted Saturday-night salary edits, and the URL reproduces the view', async ({
    page,
    browser,
  }) => {
    const incident = manifest().incidents.find((i) => i.kind === 'offhours_salary_edit')!;
    await page.goto('/events');
    await page.getByLabel('Search query').fill('field:salary offhours:true');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page).toHaveURL(
      /\/events\?q=field%3Asalary\+offhours%3Atrue|\/events\?q=field%3Asalary%20offhours%3Atrue/,
    );
    const rows = page.locator('tbody tr[data-event-id]');
    await expect(rows.first()).toBeVisible();
    // Open every row and collect the source event ids shown.
    const count = await rows.count();
    const shown: string[] = [];
    for (let i = 0; i < count; i++) {
      await rows
        .nth(i)
        .getByRole('button', { name: /Show details/ })
        .click();
    }
    for (const id of incident.eventIds.filter((id) => id.startsWith('hris'))) {
      await expect(page.getByText(id, { exact: true })).toBeVisible();
      shown.push(id);
    }
    expect(shown.length).toBeGreaterThanOrEqual(5);
    await expect(page.getByRole('cell', { name: 'salary' }).first()).toBeVisible();

    const context = await browser.newContext({
      storageState: storageStateFor('compliance_officer'),
    });
    const copy = await context.newPage();
    await copy.goto(page.url());
    await expect(copy.locator('tbody tr[data-event-id]')).toHaveCount(count);
    await expect(copy.getByLabel('Search query')).toHaveValue('field:salary offhours:true');
    await context.close();
  });

  test('paging moves by keyset both ways and back/forward restore the view', async ({ page }) => {
    await page.goto('/events');
    const firstPage = await page
      .locator('tbody tr[data-event-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id')));
    expect(firstPage).toHaveLength(50);
    await page.getByRole('link', { name: 'Older →' }).click();
    await expect(page).toHaveURL(/after=/);
    const secondPage = await page
      .locator('tbody tr[data-event-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id')));
    expect(secondPage).toHaveLength(50);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    await page.getByRole('link', { name: '← Newer' }).click();
    await expect(page).toHaveURL(/before=/);
    await expect
      .poll(() =>
        page
          .locator('tbody tr[data-event-id]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id'))),
      )
      .toEqual(firstPage);
    await page.goBack();
    await expect(page).toHaveURL(/after=/);
    await expect
      .poll(() => page.locator('tbody tr[data-event-id]').first().getAttribute('data-event-id'))
      .toBe(secondPage[0]);
  });

  test('a syntax error says where and what was expected; an unknown field is an error', async ({
    page,
  }) => {
    await page.goto('/events?q=' + encodeURIComponent('actor:'));
    await expect(page.locator('#search-error')).toContainText(/actor/);
    await page.goto('/events?q=' + encodeURIComponent('passwd:x'));
    await expect(page.locator('#search-error')).toContainText(/passwd/);
    for (const hostile of [
      "' OR '1'='1",
      "'; DROP TABLE audit_events;--",
      '1; SELECT pg_sleep(5)--',
      '((((a',
      'sort:created_at;DROP TABLE x',
      '__proto__:1',
    ]) {
      const response = await page.goto('/events?q=' + encodeURIComponent(hostile));
      expect(response?.status(), hostile).toBe(200);
      await expect(page.getByRole('heading', { name: 'Events' })).toBeVisible();
    }
  });

  test('hiding a column is kept in the URL', async ({ page }) => {
    await page.goto('/events');
    await page.getByText('Columns', { exact: true }).click();
    await page.getByLabel('IP').uncheck();
    await expect(page).toHaveURL(/hide=ip/);
    await expect(page.getByRole('columnheader', { name: 'IP' })).toHaveCount(0);
    await expect(page.getByRole('columnheader', { name: 'Action' })).toBeVisible();
  });

  test('hostile values in events render as text and never run', async ({ page }) => {
    const name = `xss-${Date.now()}`;
    const key = await e2eDb().transaction(async (tx) => {
      const source = await createSource(tx, SETUP, { name, description: '' });
      return (await createApiKey(tx, SETUP, { sourceId: source.id, label: 'x' })).key;
    });
    const hostile = [
      '<script>window.__pwned=1</script>',
      '<img src=x onerror="window.__pwned=1">',
      '"><svg onload=alert(1)>',
      'javascript:alert(1)',
    ];
    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${key}` },
    });
    const response = await api.post('/api/v1/events', {
      data: {
        events: hostile.map((h, i) => ({
          id: `x${i}`,
          occurred_at: new Date().toISOString(),
          action: 'contact.update',
          actor: { id: h, name: h },
          target: { type: 'contact', id: h, label: h },
          changes: [{ field: h, old: h, new: { html: h } }],
          reason: h,
        })),
      },
    });
    expect(response.status()).toBe(200);
    await api.dispose();
    await page.addInitScript(() => {
      window.alert = () => ((window as unknown as { __pwned: number }).__pwned = 2);
    });
    await page.goto('/events?q=' + encodeURIComponent(`source:${name}`));
    const rows = page.locator('tbody tr[data-event-id]');
    await expect(rows).toHaveCount(4);
    for (let i = 0; i < 4; i++)
      await rows
        .nth(i)
        .getByRole('button', { name: /Show details/ })
        .click();
    await expect(
      page.getByText('<script>window.__pwned=1</script>', { exact: true }).first(),
    ).toBeVisible();
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
    // A value that looks like a link target only ever becomes an explorer search.
    const hrefs = await page
      .locator('a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.some((h) => h.startsWith('javascript:'))).toBe(false);
  });
});

test.describe('export', () => {
  test.use({ storageState: storageStateFor('auditor') });

  test('an auditor exports the current search as CSV; the export is an audit event with the query and row count', async ({
    page,
  }) => {
    await page.goto('/events?q=' + encodeURIComponent('field:salary offhours:true'));
    const expected = Number(
      (await page.getByTestId('event-count').textContent())!.match(/\d+/)![0],
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const text = readFileSync((await download.path())!, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^"occurred_at","source","seq","source_event_id","action"/);
    expect(lines).toHaveLength(expected + 1);
    const [event] = await e2eDb().$client<
      { actor_email: string; metadata: { query: string; rows: number; format: string } }[]
    >`
      select actor_email, metadata from audit_events where action = 'events.export' and actor_email = 'auditor@demo.test' and metadata->>'format' = 'csv' order by id desc limit 1`;
    expect(event!.metadata).toEqual({
      query: 'field:salary offhours:true',
      format: 'csv',
      rows: expected,
    });
  });

  test('the export route checks the session and the search on the server', async ({ browser }) => {
    // An explicit empty state: request contexts otherwise inherit the describe block's sign-in.
    const anonymous = await playwrightRequest.newContext({
      baseURL: BASE,
      storageState: { cookies: [], origins: [] },
    });
    const denied = await anonymous.get('/events/export?format=csv', { maxRedirects: 0 });
    expect([307, 401]).toContain(denied.status());
    await anonymous.dispose();
    const context = await browser.newContext({ storageState: storageStateFor('auditor') });
    const bad = await context.request.get(
      '/events/export?format=csv&q=' + encodeURIComponent('passwd:x'),
    );
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error).toMatch(/passwd/);
    const jsonl = await context.request.get(
      '/events/export?format=jsonl&q=' + encodeURIComponent('outcome:failure after:7d'),
    );
    expect(jsonl.status()).toBe(200);
    const lines = (await jsonl.text()).trim().split('\n').filter(Boolean);
    expect(Number(jsonl.headers()['x-export-rows'])).toBe(lines.length);
    for (const line of lines.slice(0, 20)) expect(JSON.parse(line).outcome).toBe('failure');
    await context.close();
  });
});

test.describe('record and person timelines', () => {
  test.use({ storageState: storageStateFor('compliance_officer') });

  test('the salary edit: open the record, see the diff and the value the day before; open the actor, see the off-hours activity', async ({
    page,
  }) => {
    const incident = manifest().incidents.find((i) => i.kind === 'offhours_salary_edit')!;
    await page.goto('/events?q=' + encodeURIComponent('field:salary offhours:true'));
    const first = page.locator('tbody tr[data-event-id]').first();
    await first.locator('a[href^="/records/"]').click();
    await expect(page).toHaveURL(/\/records\/employee\//);
    await expect(page.getByRole('heading', { level: 2, name: 'Timeline' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'salary' }).first()).toBeVisible();
    // As of the end of the incident, the salary is the new value of the night-time edit; the day
    // before, it was something else (or not yet recorded at all).
    // The new salary the incident wrote on this record, from the store itself (the record may
    // have later salary changes, so the newest diff on the page is not necessarily it).
    const [type, id] = new URL(page.url()).pathname.split('/').slice(2).map(decodeURIComponent);
    const [written] = await e2eDb().$client<{ salary: unknown }[]>`
      select c->'new' as salary from audit_events, jsonb_array_elements(changes) c
       where source_event_id = any(${incident.eventIds}) and target_type = ${type!} and target_id = ${id!}
         and c->>'field' = 'salary'`;
    const edited = String(written!.salary);
    const base = page.url().split('?')[0];
    await page.goto(base + '?asof=' + encodeURIComponent(incident.end));
    await expect(page.getByTestId('asof-salary')).toHaveText(edited!);
    const dayBefore = new Date(new Date(incident.start).getTime() - 86_400_000).toISOString();
    await page.goto(base + '?asof=' + encodeURIComponent(dayBefore));
    await expect(
      page
        .getByRole('table', { name: 'Field values as of the chosen moment' })
        .or(page.getByText('No field had been changed by then.')),
    ).toBeVisible();
    if (await page.getByTestId('asof-salary').count())
      await expect(page.getByTestId('asof-salary')).not.toHaveText(edited!);
    const recordUrl = page.url();
    const [viewed] = await e2eDb().$client<
      { n: number }[]
    >`select count(*)::int as n from audit_events where action = 'record.view' and actor_email = 'compliance@demo.test'`;
    expect(viewed!.n).toBeGreaterThan(0);

    await page.goto('/actors/' + encodeURIComponent(incident.actorId!));
    await expect(page.getByRole('table', { name: 'Activity by hour of week' })).toBeVisible();
    // The Saturday 02:00 cell (local time) has activity and is marked outside working hours.
    const saturday2am = page.getByTestId('heat-6-2');
    await expect(saturday2am).not.toHaveAttribute('data-events', '0');
    await expect(saturday2am).toHaveAttribute('title', /outside working hours/);
    await expect(page.getByRole('table', { name: 'Address' })).toBeVisible();
    expect(recordUrl).toContain('asof=');
  });
});

test.describe('saved searches', () => {
  test('a shared search is listed for the team; only its owner can delete it; both are audited', async ({
    browser,
  }) => {
    const name = `Night salary edits ${Date.now()}`;
    const officer = await browser.newContext({
      storageState: storageStateFor('compliance_officer'),
    });
    const page = await officer.newPage();
    await page.goto('/events?q=' + encodeURIComponent('field:salary offhours:true'));
    await page.getByText(/^Saved searches/).click();
    const form = page.getByRole('form', { name: 'Save this search' });
    await form.getByLabel('Save the current search as').fill(name);
    await form.getByLabel('Share with the team').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('status')).toHaveText(`Saved ${name}.`);

    const reviewer = await browser.newContext({ storageState: storageStateFor('reviewer') });
    const other = await reviewer.newPage();
    await other.goto('/events');
    await other.getByText(/^Saved searches/).click();
    const list = other.getByRole('list', { name: 'Saved searches' });
    await expect(list.getByRole('link', { name })).toBeVisible();
    await expect(other.getByRole('button', { name: `Delete saved search ${name}` })).toHaveCount(0);
    const [saved] = await e2eDb().$client<
      { id: string }[]
    >`select id from saved_searches where name = ${name}`;
    const refused = await postAction(reviewer.request, '/events', 'deleteSearchAction', [
      { id: saved!.id },
    ]);
    expect(refused.body).toMatch(/No such saved search of yours/);
    const anonymous = await playwrightRequest.newContext({
      baseURL: BASE,
      storageState: { cookies: [], origins: [] },
    });
    const anon = await postAction(anonymous, '/events', 'deleteSearchAction', [{ id: saved!.id }]);
    expect(anon.body).not.toContain('"ok":true');
    await anonymous.dispose();
    await list.getByRole('link', { name }).click();
    await expect(other.getByLabel('Search query')).toHaveValue('field:salary offhours:true');

    await page.reload();
    await page.getByText(/^Saved searches/).click();
    await page.getByRole('button', { name: `Delete saved search ${name}` }).click();
    await expect(page.getByText(`Deleted ${name}.`)).toBeVisible();
    const events = await e2eDb().$client<
      { action: string }[]
    >`select action from audit_events where target_id = ${saved!.id} order by seq`;
    expect(events.map((e) => e.action)).toEqual(['saved_search.create', 'saved_search.delete']);
    await officer.close();
    await reviewer.close();
  });
});
