import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// What every browser test does on each main page: screenshots at phone and desktop sizes, and axe-core.

export const PASSWORD = 'yishi-demo'; // every demo user's

/** Sign in as a demo user (their id is their role code; or anyone, with their password) and land on the inbox. */
export async function login(page: Page, user: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(user);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/inbox/);
}

export async function logout(page: Page) {
  await page.getByRole('button', { name: /退出登录/ }).first().click();
  await expect(page).toHaveURL(/\/login/);
}

export const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1440, height: 900 } };
/** A common laptop's width (the absence, hand-over and phrase pages are checked at it). */
export const LAPTOP = { phone: SIZES.phone, desktop: { width: 1366, height: 900 } };

export async function snap(page: Page, name: string, sizes: Record<string, { width: number; height: number }> = SIZES) {
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky top bar stays on top of a full-page screenshot
  for (const [size, viewport] of Object.entries(sizes)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `screenshots/${name}-${size}.png`, fullPage: true });
  }
  await page.setViewportSize(SIZES.desktop);
}

/** No serious or critical axe violation (checked with the pointer away from buttons: hover colours are not the page's). */
export async function axe(page: Page, name: string) {
  await page.keyboard.press('Escape');
  await page.mouse.move(0, 0);
  // antd keeps a hidden listbox per select for screen readers (its name is on the combobox)
  const result = await new AxeBuilder({ page }).exclude('.diagram-canvas').exclude('[role=listbox][id$=_list]').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
