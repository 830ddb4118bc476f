import { expect, test } from '@playwright/test';
import { axe, LAPTOP, login, snap } from './checks';
import { Driver, UNIT } from './drive';

// 请假代理 and 换届 (issue 13): a committee member names a colleague as stand-in from Settings and sees the open
// consultation they had taken move to them; the colleague's inbox says whose steps they hold (代理中); an
// administrator hands that colleague's tasks over to a successor from the person's page, after a preview. The administrator gives the unit a stock phrase of its own (常用语管理), then
// goes back to the inherited list.
test.describe.configure({ mode: 'serial' });

const MEMBERS = [['committee_wu', '吴委员'], ['committee_zheng', '郑委员']] as const;

async function task(driver: Driver, reference: string, element: string) {
  const detail = await driver.call('GET', `/api/cases/${encodeURIComponent(reference)}`, 'admin');
  return (detail.open_tasks as { task_id: string; element_id: string; claimed_by: string | null }[]).find((t) => t.element_id === element)!;
}

test('a committee member sets a stand-in and the task moves; an administrator hands over a leaving member', async ({ page, request }) => {
  const driver = new Driver(request);
  const codes: Record<string, string> = {};
  for (const [id, name] of MEMBERS) {
    const created = await driver.call('POST', '/api/admin/users', 'admin', { id, display_name: name, memberships: [{ unit: UNIT, role: 'deliberation_committee' }] });
    codes[id] = created.one_time_code;
  }
  const title = '6号楼外墙渗水';
  const started = await driver.call('POST', '/api/cases', 'proposer', { definition: 'five_step', unit: UNIT, title, data: { title } });
  const reference = started.reference as string;
  const complete = async (element: string, data: Record<string, unknown>) =>
    driver.call('POST', `/api/tasks/${(await task(driver, reference, element)).task_id}/complete`, 'grid_steward', { data });
  await complete('A_UT_Register', {
    channel: 'deliberation_hall', proposer_type: 'owners_committee', proposer: { name: '李业委', role: '业委会主任', unit: '金康园业委会' },
    co_signers: 20, title, description: '6号楼外墙渗水，业委会提议用维修资金修补外墙。', category: 'renovation',
    scope: 'courtyard_or_estate', est_households_affected: 24,
  });
  await complete('A_UT_Triage', { triage_result: 'deliberate' });
  const consult = await task(driver, reference, 'A_UT_Consult');
  await driver.call('POST', `/api/tasks/${consult.task_id}/claim`, 'deliberation_committee');
  const today = ((await (await request.get('/api/health')).json()).now as string).slice(0, 10); // the engine's Beijing day

  await login(page, 'deliberation_committee');
  await page.goto('/settings');
  await page.getByRole('link', { name: '请假代理（设置代理人）' }).click();
  await expect(page.getByRole('heading', { name: '请假代理' })).toBeVisible();
  await page.locator('.ant-picker-range').click();
  const day = page.locator(`td.ant-picker-cell-in-view[title="${today}"]`).first();
  await day.click();
  await day.click(); // a one-day absence: today to today
  await page.getByLabel('代理人').click();
  await page.locator('.ant-select-item-option', { hasText: '吴委员（committee_wu）' }).click();
  await page.getByLabel('请假事由').fill('外出培训');
  await page.getByRole('button', { name: '确认设置' }).click();
  await expect(page.getByText('已设置代理人 吴委员（committee_wu）')).toBeVisible();
  await expect(page.getByText(/\d+ 项待办已交给 吴委员（committee_wu）/)).toBeVisible(); // with any other step it had taken
  await expect(page.locator('.stand-in-card', { hasText: '我请假，吴委员（committee_wu） 代我办理' })).toContainText('代理中');
  expect((await task(driver, reference, 'A_UT_Consult')).claimed_by).toBe('committee_wu');
  await snap(page, 'absence-set', LAPTOP);
  await axe(page, 'absence page');

  // the stand-in's inbox says whose steps they hold now and until when (Beijing day), linking to the absence page
  const signIn = await (await request.post('/api/auth/login', { data: { user: 'committee_wu', password: codes.committee_wu } })).json();
  const password = '吴委员-代理-2026';
  expect((await request.post('/api/me/password', { headers: { Authorization: `Bearer ${signIn.access_token}` },
    data: { old_password: codes.committee_wu, new_password: password } })).ok()).toBeTruthy();
  await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); }); // signed out
  await login(page, 'committee_wu', password);
  const [, month, date] = today.split('-').map(Number);
  const banner = page.locator('.standing-in');
  await expect(banner).toContainText(`你正在代理 deliberation_committee 的待办（至 ${month}月${date}日）`);
  await expect(page.locator('.task-card', { hasText: title })).toBeVisible(); // the consultation it names came along
  await snap(page, 'inbox-standing-in', LAPTOP);
  await banner.getByRole('link', { name: '查看请假代理' }).click();
  await expect(page.locator('.stand-in-card', { hasText: 'deliberation_committee 请假，由我代办' })).toContainText('代理中');

  await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); }); // signed out
  await login(page, 'admin');
  await page.goto('/console/people/committee_wu');
  await page.getByRole('button', { name: '移交全部待办' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('接任者').click();
  await page.locator('.ant-select-item-option', { hasText: '郑委员（committee_zheng） · 同岗位' }).click();
  await expect(dialog.getByText(/将移交给 郑委员（committee_zheng）（\d+ 项）/)).toBeVisible();
  await expect(dialog.getByText(reference)).toBeVisible();
  await dialog.getByLabel('移交理由').fill('换届：吴委员任期届满');
  await snap(page, 'handover-preview', LAPTOP);
  await dialog.getByRole('button', { name: '确认移交' }).click();
  await expect(page.getByText(/已移交 \d+ 项待办给 郑委员（committee_zheng）/)).toBeVisible();
  expect((await task(driver, reference, 'A_UT_Consult')).claimed_by).toBe('committee_zheng');
  await snap(page, 'handover-done', LAPTOP);
  await page.goto('/settings/absence'); // the administrator sees the unit's members' stand-ins
  await page.getByLabel('单位').click();
  await page.locator('.ant-select-item-option[title="盘龙区金江路社区"]').click();
  await expect(page.locator('.stand-in-card', { hasText: /请假，吴委员（committee_wu） 代理/ })).toContainText('代理中');
  await snap(page, 'absence-admin', LAPTOP);

  await page.goto(`/settings/phrases?unit=${encodeURIComponent(UNIT)}`);
  await expect(page.getByRole('heading', { name: '常用语管理' })).toBeVisible();
  await page.getByLabel('新的常用语').fill('经商议，同意按方案实施。');
  await page.getByRole('button', { name: '添加' }).click();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('常用语已保存')).toBeVisible();
  await snap(page, 'phrases-editor', LAPTOP);
  await axe(page, 'stock phrases page');
  // back to the inherited list (the other browser tests tap the default phrases)
  await page.getByRole('button', { name: '恢复沿用上级' }).click();
  await expect(page.getByText('本单位还没有自己的常用语，目前沿用下方的常用语。')).toBeVisible();
});
