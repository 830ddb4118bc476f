import { expect, test, type Page } from '@playwright/test';
import { axe, snap } from './checks';

// The demo administrator creates a community under the street and imports its residents and a grid steward from
// a sheet (a dry run that finds an error, then the corrected sheet applied); the steward signs in with the
// one-time code and must set a new password. Screenshots at phone and desktop sizes, axe on every page.
test.describe.configure({ mode: 'serial' });

const RESIDENTS = ['赵一', '钱二', '孙三', '李四', '周五', '吴六', '郑七', '王八', '冯九', '陈十'];

function sheet(withError: boolean): Buffer {
  const rows = ['姓名,手机号,单位,角色', '林网格,13700000100,白塔社区,网格管家'];
  RESIDENTS.forEach((name, i) => rows.push(`${name},1370000020${i},盘龙区白塔社区,全体居民`));
  if (withError) rows.push('错一行,12345,无此社区,守夜人');
  return Buffer.from(rows.join('\n') + '\n', 'utf-8');
}

async function login(page: Page, user: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(user);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

let stewardCode = '';

test('the administrator creates a community under the street', async ({ page }) => {
  await login(page, 'admin', 'yishi-demo');
  await expect(page).toHaveURL(/\/inbox/);
  await page.getByRole('link', { name: /人员/ }).first().click();
  await expect(page.getByRole('heading', { name: '人员管理' })).toBeVisible();
  await page.getByRole('link', { name: '单位' }).click();
  await page.getByRole('button', { name: '在盘龙区拓东街道下新建单位' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('单位代码').fill('白塔社区');
  await dialog.getByLabel('全称').fill('盘龙区白塔社区');
  await dialog.getByLabel('原因（会记录在案）').fill('新建社区');
  await dialog.getByRole('button', { name: /确/ }).click();
  await expect(page.getByText('已新建 盘龙区白塔社区')).toBeVisible();
  await expect(page.locator('.unit-branch .unit-node', { hasText: '盘龙区白塔社区' })).toBeVisible();
  await axe(page, 'units');
  await snap(page, '20-units');
});

test('the administrator imports residents and a grid steward: a dry run, then the corrected sheet', async ({ page }) => {
  await login(page, 'admin', 'yishi-demo');
  await expect(page).toHaveURL(/\/inbox/);
  await page.goto('/console/import');
  await page.locator('#import-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: sheet(true) });
  await page.getByRole('button', { name: '检查（不写入）' }).click();
  await expect(page.getByText('有 1 行错误：改好表格再检查，才能导入')).toBeVisible();
  await expect(page.getByText('新建 11，更新 0，不变 0，错误 1')).toBeVisible();
  await expect(page.getByRole('button', { name: '导入' })).toBeDisabled();
  await axe(page, 'import-dry-run');
  await snap(page, '21-import-dry-run');

  await page.locator('#import-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: sheet(false) });
  await page.locator('#import-reason').fill('白塔社区首批名册');
  await page.getByRole('button', { name: '检查（不写入）' }).click();
  await expect(page.getByText('检查通过，可以导入')).toBeVisible();
  await page.getByRole('button', { name: '导入' }).click();
  await expect(page.getByText(/已导入/)).toBeVisible({ timeout: 60_000 });
  const stewardRow = page.locator('.import-table tr', { hasText: '林网格' });
  stewardCode = (await stewardRow.locator('.one-time-code').first().innerText()).trim();
  expect(stewardCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await snap(page, '22-import-applied');

  await page.getByRole('link', { name: '人员' }).last().click();
  await page.getByLabel('查找人员').fill('林网格');
  await page.getByRole('button', { name: '查找' }).click();
  await page.getByRole('link', { name: '林网格' }).click();
  await expect(page.getByText('盘龙区白塔社区 · 网格管家')).toBeVisible();
  await axe(page, 'person');
  await snap(page, '23-person');
});

test('the grid steward signs in with the one-time code and must set a new password', async ({ page }) => {
  await login(page, '13700000100', stewardCode);
  await expect(page).toHaveURL(/\/password/);
  await expect(page.getByRole('heading', { name: '请设置新密码' })).toBeVisible();
  await axe(page, 'password');
  await snap(page, '24-forced-password');
  await page.getByLabel('新密码', { exact: true }).fill('白塔-网格-2026');
  await page.getByLabel('再输入一次新密码').fill('白塔-网格-2026');
  await page.getByRole('button', { name: '保存新密码' }).click();
  await expect(page).toHaveURL(/\/inbox/);
});
