import { expect, test, type Page } from '@playwright/test';
import { axe, login, snap, SIZES } from './checks';
import { Driver, driveToPanelSign } from './drive';

// A 会签 of three review-panel members on the phone (issue 13 items 6-7): each opens their own instance, sees the
// rule and who has signed, taps a stock phrase, signs on the canvas with a finger, and submits; the case file then
// shows the three decisions with their signatures, and the path ahead is marked as a forecast.
test.describe.configure({ mode: 'serial' });

const PANEL = ['review_panel', 'review_panel_2', 'review_panel_3'];
const TITLE = '5号楼屋面防水维修';
let reference = '';

/** A signature drawn with a finger-like stroke across the pad. */
async function drawSignature(page: Page) {
  const canvas = page.getByTestId('signature-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 12; i += 1) {
    await page.mouse.move(box.x + 20 + i * (box.width - 60) / 12, box.y + box.height * (i % 2 ? 0.3 : 0.7), { steps: 2 });
  }
  await page.mouse.up();
}

test('the review panel is asked to sign, all three of them', async ({ request }) => {
  reference = await driveToPanelSign(new Driver(request), TITLE);
  expect(reference).toMatch(/^金江路社区-\d{4}-\d{4}$/);
});

for (const [index, user] of PANEL.entries()) {
  test(`${user} signs on the phone`, async ({ page }) => {
    await page.setViewportSize(SIZES.phone);
    await login(page, user);
    await page.locator('.task-card', { hasText: TITLE }).first().click();
    await expect(page.getByRole('heading', { name: '评审小组成员签署' })).toBeVisible();
    await expect(page.locator('.sign-rule')).toHaveText('会签（全体同意）');
    await expect(page.getByText(`已签 ${index} / 3`)).toBeVisible();
    await page.locator('.phrase', { hasText: '同意，请按方案办理。' }).click();
    await expect(page.locator('#opinion-text')).toHaveValue('同意，请按方案办理。');
    const agree = page.getByRole('radio', { name: '同意（方案可行）' });
    await agree.check();
    await expect(agree).toBeChecked();
    // submitting without a signature is refused on the signature, not lost
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await expect(page.locator('.opinion-panel [role=alert]')).toContainText('手写签名');
    await drawSignature(page);
    await page.getByRole('button', { name: '确认签名' }).click();
    await expect(page.getByText('签名已确认')).toBeVisible();
    if (index === 0) {
      await axe(page, 'sign');
      await snap(page, '40-sign-task');
      await page.setViewportSize(SIZES.phone);
    }
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await expect(page.getByText('已提交')).toBeVisible();
  });
}

test('the case file shows the three signatures and the path ahead', async ({ page }) => {
  await login(page, 'review_panel');
  await page.goto(`/case/${encodeURIComponent(reference)}`);
  await expect(page.locator('.event-head strong', { hasText: /^成员签署$/ })).toHaveCount(3);
  await expect(page.locator('.event-head strong', { hasText: /^多人办理完成$/ })).toHaveCount(1);
  const signatures = page.locator('img.signature-image');
  await expect(signatures).toHaveCount(3);
  for (const img of await signatures.all()) {
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(100);
  }
  await expect(page.locator('.forecast-open', { hasText: '评议' })).toBeVisible();
  await expect(page.locator('.forecast .ant-tag', { hasText: '预测' })).toBeVisible();
  await axe(page, 'case-signed');
  await snap(page, '41-case-signed');
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: 'screenshots/42-case-print.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });
});
