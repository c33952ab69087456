import type { Page } from '@playwright/test';
import { expect, storageStateFor, test } from './fixtures';

/** The page background's lightness as the browser computed it (0 = black, 255 = white). */
async function backgroundLightness(page: Page): Promise<number> {
  return page.evaluate(() => {
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(document.body).backgroundColor;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    return Math.round((r! + g! + b!) / 3);
  });
}

/** The class the server put on <html>, read from the HTML as sent (before any script ran). */
async function serverHtmlClass(page: Page, path: string): Promise<string> {
  const response = await page.request.get(path);
  const tag = /<html[^>]*>/.exec(await response.text())![0];
  return /class="([^"]*)"/.exec(tag)?.[1] ?? '';
}

test.describe('light and dark themes', () => {
  test.use({ storageState: storageStateFor('reviewer') });

  test('the switch in the header applies the theme at once and the server remembers it', async ({
    page,
    context,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/events');
    const theme = page.getByRole('group', { name: 'Theme' });
    await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
    expect(await backgroundLightness(page)).toBeGreaterThan(200);

    await theme.getByTitle('Dark theme').click();
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    expect(await backgroundLightness(page)).toBeLessThan(60);
    const cookie = (await context.cookies()).find((c) => c.name === 'theme');
    expect(cookie?.value).toBe('dark');
    expect(cookie?.sameSite).toBe('Lax');

    // The next page is dark from its first byte: the class is in the server's HTML.
    expect(await serverHtmlClass(page, '/alerts')).toMatch(/\bdark\b/);
    await page.goto('/alerts');
    await expect(theme.getByRole('radio', { name: 'Dark' })).toBeChecked();
    expect(await backgroundLightness(page)).toBeLessThan(60);

    // Light wins over a dark operating system.
    await page.emulateMedia({ colorScheme: 'dark' });
    await theme.getByTitle('Light theme').click();
    await expect(page.locator('html')).toHaveClass(/\blight\b/);
    expect(await backgroundLightness(page)).toBeGreaterThan(200);
    expect(await serverHtmlClass(page, '/alerts')).toMatch(/\blight\b/);

    // System follows the operating system, whichever it is.
    await theme.getByTitle('System theme').click();
    await expect(page.locator('html')).not.toHaveClass(/\b(light|dark)\b/);
    expect(await backgroundLightness(page)).toBeLessThan(60);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await backgroundLightness(page)).toBeGreaterThan(200);
    expect(await serverHtmlClass(page, '/alerts')).not.toMatch(/\b(light|dark)\b/);
  });

  test('the switch works from the keyboard', async ({ page }) => {
    await page.goto('/events');
    const theme = page.getByRole('group', { name: 'Theme' });
    await theme.getByRole('radio', { name: 'System' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(theme.getByRole('radio', { name: 'Light' })).toBeChecked();
    await page.keyboard.press('ArrowRight');
    await expect(theme.getByRole('radio', { name: 'Dark' })).toBeChecked();
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  });

  test('an unknown theme cookie means the system theme', async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: 'theme', value: '<script>', url: baseURL! }]);
    expect(await serverHtmlClass(page, '/events')).not.toMatch(/\b(light|dark)\b|script/);
  });

  test('the sign-in page follows the chosen theme too', async ({ browser, baseURL }) => {
    const context = await browser.newContext({
      storageState: { cookies: [], origins: [] },
      colorScheme: 'light',
    });
    await context.addCookies([{ name: 'theme', value: 'dark', url: baseURL! }]);
    const page = await context.newPage();
    await page.goto('/sign-in');
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    expect(await backgroundLightness(page)).toBeLessThan(60);
    await context.close();
  });
});
