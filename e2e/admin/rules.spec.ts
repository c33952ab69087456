import { sql } from 'drizzle-orm';
import { e2eDb, expect, storageStateFor, test } from '../fixtures';

async function ruleUpdates(rule: string) {
  return [
    ...(await e2eDb().execute<{ actor_email: string; changes: unknown }>(sql`
      select actor_email, changes from audit_events
      where action = 'rule.update' and target_type = 'rule' and target_id = ${rule}
      order by occurred_at, id`)),
  ];
}

test.describe('detection rules', () => {
  // One test at a time: they edit the same shared configuration.
  test.describe.configure({ mode: 'serial' });
  test.use({ storageState: storageStateFor('compliance_officer') });

  test('a compliance officer backtests a threshold, saves it, and the change is audited with old and new values', async ({
    page,
  }) => {
    const before = (await ruleUpdates('mass_delete')).length;
    await page.goto('/admin/rules');
    const rule = page.getByRole('article', { name: /^Mass deletion/ });
    await rule.getByRole('button', { name: 'Edit' }).click();
    const max = rule.getByLabel('Max deletes');
    await expect(max).toHaveValue('20');

    // A bad value is refused with a message naming the parameter, and nothing is saved.
    await max.fill('-5');
    await rule.getByRole('button', { name: 'Save' }).click();
    await expect(rule.getByRole('alert')).toContainText('maxDeletes');
    expect(await ruleUpdates('mass_delete')).toHaveLength(before);

    // The backtest runs the proposal over the last 30 days; the demo's mass deletion (300
    // contacts) is within the window of the e2e demo data.
    await max.fill('15');
    await rule.getByRole('button', { name: 'Backtest last 30 days' }).click();
    await expect(rule.getByTestId('backtest-summary')).toContainText(
      /would have raised \d+ alerts? over [\d,]+ events/,
    );
    expect(await ruleUpdates('mass_delete')).toHaveLength(before);

    await rule.getByRole('button', { name: 'Save' }).click();
    await expect(rule.getByRole('status')).toContainText('Saved (maxDeletes changed)');
    const updates = await ruleUpdates('mass_delete');
    expect(updates).toHaveLength(before + 1);
    expect(updates.at(-1)).toEqual({
      actor_email: 'compliance@demo.test',
      changes: [{ field: 'maxDeletes', old: 20, new: 15 }],
    });

    // Put it back (also audited).
    await max.fill('20');
    await rule.getByRole('button', { name: 'Save' }).click();
    // The status line reads the same as after the first save: wait for the second record.
    await expect.poll(async () => (await ruleUpdates('mass_delete')).length).toBe(before + 2);
    expect((await ruleUpdates('mass_delete')).at(-1)!.changes).toEqual([
      { field: 'maxDeletes', old: 15, new: 20 },
    ]);
  });

  test('settings: a bad personal schedule line is refused by line; a holiday is saved and audited', async ({
    page,
  }) => {
    await page.goto('/admin/rules');
    const form = page.getByRole('form', { name: 'Detection settings' });
    const schedules = form.getByLabel('Personal schedules');
    const original = await schedules.inputValue();
    await schedules.fill(`${original}\nsomeone, Europe/Berlin, Moonday, 08:00-16:00`);
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.getByRole('alert')).toContainText(/Personal schedules, line \d+: "Moonday"/);
    await schedules.fill(original);

    const holidays = form.getByLabel('Holidays');
    const originalHolidays = await holidays.inputValue();
    await holidays.fill(`${originalHolidays}\n2031-12-25`.trim());
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.getByRole('status')).toContainText('Saved (holidays changed)');
    const [last] = await e2eDb().execute<{ changes: { field: string; new: string[] }[] }>(sql`
      select changes from audit_events where action = 'detection_settings.update'
      order by occurred_at desc, id desc limit 1`);
    expect(last!.changes[0]!.field).toBe('holidays');
    expect(last!.changes[0]!.new).toContain('2031-12-25');

    await holidays.fill(originalHolidays);
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.getByRole('status')).toContainText('Saved (holidays changed)');
  });
});

test.describe('rules are for compliance officers and admins only', () => {
  for (const role of ['reviewer', 'auditor'] as const) {
    test.describe(role, () => {
      test.use({ storageState: storageStateFor(role) });
      test(`${role === 'auditor' ? 'an' : 'a'} ${role} gets 403 on the rules page and sees no link to it`, async ({
        page,
      }) => {
        const response = await page.goto('/admin/rules');
        expect(response!.status()).toBe(403);
        await page.goto('/events');
        await expect(
          page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }),
        ).toHaveCount(0);
      });
    });
  }
});
