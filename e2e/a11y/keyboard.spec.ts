import type { Page } from '@playwright/test';
import { e2eDb, expect, storageStateFor, test } from '../fixtures';

/** What has keyboard focus: its name, whether it shows a focus indicator, and where it is. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    // A visually hidden radio shows its focus on the label around it.
    const shown = el.matches('input.sr-only') ? (el.closest('label') ?? el) : el;
    const style = getComputedStyle(shown);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 60),
      indicator: outline || style.boxShadow !== 'none',
      inHeader: !!el.closest('header'),
      inTable: !!el.closest('table'),
      inDialog: !!el.closest('[role="dialog"]'),
    };
  });
}

test.describe('keyboard', () => {
  test.use({ storageState: storageStateFor('admin') });

  test('a skip link comes first, and every stop in the header shows where focus is', async ({
    page,
  }) => {
    await page.goto('/alerts');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();

    const seen: string[] = [];
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      if (!now?.inHeader) break;
      expect(now.indicator, `focus indicator on ${now.tag} "${now.text}"`).toBe(true);
      seen.push(now.text);
    }
    // The whole main navigation and the account controls are reachable.
    for (const name of ['Overview', 'Events', 'Alerts', 'Rules', 'Sources', 'Users', 'Sign out'])
      expect(seen).toContain(name);

    await page.goto('/alerts');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect((await focused(page))?.inHeader).toBe(false);
  });

  test('the links in a table are reachable and show focus', async ({ page }) => {
    await page.goto('/events');
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      if (now?.inTable && now.tag === 'a') {
        expect(now.indicator, `focus indicator on link "${now.text}"`).toBe(true);
        return;
      }
    }
    throw new Error('no link in the events table was reached with Tab');
  });

  test('a dialog opens from the keyboard, keeps focus inside, and gives it back on Escape', async ({
    page,
  }) => {
    const [alert] = await e2eDb().$client<{ id: number }[]>`
      select id::int as id from alerts where dedupe_key not like 'e2e-%' order by id limit 1`;
    await page.goto(`/alerts/${alert!.id}`);
    const trigger = page.getByRole('button', { name: /^(Resolve|Reopen)…$/ });
    await trigger.focus();
    expect((await focused(page))?.indicator).toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog')).toBeVisible();
    for (let i = 0; i < 8; i++) {
      expect((await focused(page))?.inDialog).toBe(true);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
    await expect(trigger).toBeFocused();
  });
});
