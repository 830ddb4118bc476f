import { expect, test } from '@playwright/test';
import { axe, login, logout, snap } from './checks';
import { Driver, driveToPublication } from './drive';

// Issue 9 in the browser: a resident objects while the notice (公示) runs, the supervision committee finds its
// ruling step from the case page, and the deliberation committee splits a case; phone-first, in Chinese.
test.describe.configure({ mode: 'serial' });

let reference = '';

test('a resident objects to the running notice from the case page', async ({ page, request }) => {
  reference = await driveToPublication(new Driver(request), '3号院屋顶防水');
  await login(page, 'proposer');
  await page.goto(`/case/${encodeURIComponent(reference)}`);
  await page.getByRole('button', { name: '对公示内容提出异议' }).click();
  const form = page.getByRole('form', { name: '对公示内容提出异议' });
  await expect(form.getByRole('button', { name: '提交异议' })).toBeDisabled();
  await form.getByLabel('异议内容').fill('防水材料的报价偏高，请公开三家比价。');
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, 'issue9-objection-form');
  await axe(page, 'objection form');
  await form.getByRole('button', { name: '提交异议' }).click();
  await expect(page.getByText('已提交，已记入事项档案。')).toBeVisible();
  await expect(page.locator('.case-timeline').getByText('提出异议').first()).toBeVisible();
  await logout(page);
});

test('the supervision committee goes from the case page to its ruling', async ({ page }) => {
  await login(page, 'supervision_committee');
  await page.goto(`/case/${encodeURIComponent(reference)}`);
  await page.locator('.next-steps').getByRole('link', { name: '去办理' }).first().click();
  await expect(page).toHaveURL(/\/task\//);
  await expect(page.getByText('防水材料的报价偏高').first()).toBeVisible();
  await snap(page, 'issue9-ruling');
  await logout(page);
});

test('the deliberation committee splits the case into two linked cases', async ({ page }) => {
  await login(page, 'deliberation_committee');
  await page.goto(`/case/${encodeURIComponent(reference)}`);
  await page.getByRole('button', { name: '拆分为几件事项' }).click();
  const form = page.getByRole('form', { name: '拆分为几件事项' });
  await form.getByLabel('新事项名称（每行一个）').fill('3号院屋顶防水\n3号院外墙修补');
  await form.getByLabel('理由').fill('一份提议含两件事');
  await snap(page, 'issue9-split-form');
  await form.getByRole('button', { name: '确认拆分' }).click();
  await expect(page.getByText('已提交，已记入事项档案。')).toBeVisible();
  await expect(page.locator('.case-links li', { hasText: '拆分出' })).toHaveCount(2);
  await axe(page, 'case page after a split');
  await snap(page, 'issue9-split-done');
});
