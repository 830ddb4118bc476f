import { expect, test, type Page } from '@playwright/test';
import { axe, SIZES, snap } from './checks';
import { Driver, UNIT } from './drive';

// Task actions (issue 13): a grid steward urges the deliberation committee's consultation from the case page
// (the committee member is told at once: the bell), and a committee member transfers the consultation to a
// colleague with a reason. The cases are driven to the consultation over the API; the acts are done in the pages.
test.describe.configure({ mode: 'serial' });

async function login(page: Page, user: string) {
  await page.goto('/login');
  await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); }); // whoever was signed in before
  await page.goto('/login');
  await page.getByLabel('用户名').fill(user);
  await page.locator('#login-password').fill('yishi-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/inbox/);
}

/** A five-step case registered and triaged for deliberation: the committee's consultation is open. */
async function atConsultation(driver: Driver, title: string): Promise<{ reference: string; consult: string }> {
  const started = await driver.call('POST', '/api/cases', 'proposer', { definition: 'five_step', unit: UNIT, title, data: { title } });
  const reference = started.reference as string;
  const step = async (element: string, user: string, data: Record<string, unknown>) => {
    const detail = await driver.call('GET', `/api/cases/${encodeURIComponent(reference)}`, user);
    const task = (detail.open_tasks as { task_id: string; element_id: string }[]).find((t) => t.element_id === element);
    expect(task, `${element} open in ${reference}`).toBeTruthy();
    return driver.call('POST', `/api/tasks/${task!.task_id}/complete`, user, { data });
  };
  await step('A_UT_Register', 'grid_steward', {
    channel: 'deliberation_hall', proposer_type: 'owners_committee', proposer: { name: '李业委', role: '业委会主任', unit: '金康园业委会' },
    co_signers: 35, title, description: '3号院为六层老旧住宅，老人上下楼困难，业委会提议加装电梯并分摊费用。',
    category: 'renovation', scope: 'courtyard_or_estate', est_households_affected: 36,
  });
  const triaged = await step('A_UT_Triage', 'grid_steward', { triage_result: 'deliberate' });
  const consult = (triaged.open_tasks as { task_id: string; element_id: string }[]).find((t) => t.element_id === 'A_UT_Consult');
  expect(consult).toBeTruthy();
  return { reference, consult: consult!.task_id };
}

test('a grid steward urges the committee from the case page', async ({ page, request }) => {
  const driver = new Driver(request);
  const { reference } = await atConsultation(driver, '3号院加装电梯');
  await login(page, 'grid_steward');
  await page.goto(`/case/${encodeURIComponent(reference)}`);
  const panel = page.locator('.case-actions-panel');
  await expect(panel.getByText('商议')).toBeVisible();
  await panel.getByRole('button', { name: '催办' }).click();
  await panel.getByLabel('催办留言（可不填）').fill('下周一前请召开商议会');
  await snap(page, 'actions-urge-form');
  await panel.getByRole('button', { name: '确定' }).click();
  await expect(panel.getByText(/已催办，已通知 deliberation_committee/)).toBeVisible();
  await expect(panel.getByText('办理人尚未查看')).toBeVisible();
  await expect(panel.getByText(/已催办 1 次/)).toBeVisible();
  await snap(page, 'actions-case-urged');
  await axe(page, 'case page with actions');

  await login(page, 'deliberation_committee');
  const card = page.locator('.task-card', { hasText: '3号院加装电梯' });
  await expect(card.getByText(/涉及户数/)).toBeVisible(); // the method's summary line
  await expect(page.locator('.view-tab', { hasText: '抄送我的' })).toBeVisible();
  await snap(page, 'actions-inbox-urged');
  await axe(page, 'inbox with views');
  await page.locator('.bell-link').click(); // told at once: the bell's message says who urged and the note
  await expect(page.getByText('催办：商议').first()).toBeVisible();
  await expect(page.getByText('下周一前请召开商议会').first()).toBeVisible();
  await snap(page, 'actions-urge-notification');
});

test('a committee member transfers the consultation to a colleague', async ({ page, request }) => {
  const driver = new Driver(request);
  await driver.call('POST', '/api/admin/users', 'admin', {
    id: 'committee_li', display_name: '李委员', memberships: [{ unit: UNIT, role: 'deliberation_committee' }], reason: '协商议事委员会委员' });
  const { reference, consult } = await atConsultation(driver, '楼道灯更换');
  await login(page, 'deliberation_committee');
  await page.goto(`/task/${consult}`);
  await expect(page.getByRole('heading', { name: /商议/ })).toBeVisible();
  await page.getByRole('button', { name: '转办' }).click();
  await page.getByLabel('交给').selectOption('committee_li');
  await page.getByLabel('理由（记入事项档案）').fill('本人是利害关系人，申请回避');
  await snap(page, 'actions-transfer-form');
  await axe(page, 'task page transfer form');
  await page.getByRole('button', { name: '确认转办' }).click();
  await expect(page).toHaveURL(/\/inbox/);
  await expect(page.locator('.task-card', { hasText: '楼道灯更换' }).getByText('committee_li 已认领')).toBeVisible();
  const detail = await driver.call('GET', `/api/cases/${encodeURIComponent(reference)}`, 'admin');
  const task = (detail.open_tasks as { task_id: string; claimed_by: string | null }[]).find((t) => t.task_id === consult);
  expect(task?.claimed_by).toBe('committee_li');
  await page.goto(`/case/${encodeURIComponent(reference)}`);
  await expect(page.locator('.case-timeline').getByText('转办')).toBeVisible();
  await snap(page, 'actions-case-transferred');
});

test('a grid steward sends a case back along the return the diagram draws', async ({ page, request }) => {
  const driver = new Driver(request);
  const title = '5号楼屋顶防水';
  const started = await driver.call('POST', '/api/cases', 'proposer', { definition: 'five_step', unit: UNIT, title, data: { title } });
  const reference = started.reference as string;
  const registered = await driver.call('POST', `/api/tasks/${(started.open_tasks as { task_id: string }[])[0].task_id}/complete`, 'grid_steward', {
    data: {
      channel: 'deliberation_hall', proposer_type: 'owners_committee', proposer: { name: '王业委', role: '业委会主任', unit: '金康园业委会' },
      co_signers: 12, title, description: '5号楼顶层漏水，业委会提议用维修资金做屋顶防水。',
      category: 'renovation', scope: 'building', est_households_affected: 24,
    },
  });
  const triage = (registered.open_tasks as { task_id: string; element_id: string }[]).find((t) => t.element_id === 'A_UT_Triage');
  expect(triage).toBeTruthy();
  await login(page, 'grid_steward');
  await page.goto(`/task/${triage!.task_id}`);
  await page.getByRole('button', { name: '退回' }).click();
  await page.getByLabel('退回到').selectOption('A_UT_Register');
  await page.getByLabel('理由（记入事项档案）').fill('联署人数不足，请核实后补正');
  await snap(page, 'actions-return-form');
  await page.getByRole('button', { name: '确认退回' }).click();
  await expect(page).toHaveURL(/\/inbox/);
  await expect(page.locator('.task-card', { hasText: title }).getByText('grid_steward 已认领')).toBeVisible();
  await snap(page, 'actions-returned-inbox');
  // the case went along the drawn flow: 登记建档 is open again, claimed by who registered, prefilled
  const detail = await driver.call('GET', `/api/cases/${encodeURIComponent(reference)}`, 'admin');
  const again = (detail.open_tasks as { task_id: string; element_id: string; claimed_by: string | null }[]);
  expect(again.map((t) => t.element_id)).toEqual(['A_UT_Register']);
  expect(again[0].claimed_by).toBe('grid_steward');
  await page.goto(`/task/${again[0].task_id}`);
  await expect(page.locator('.returned-banner')).toContainText('联署人数不足');
  await expect(page.locator('input[value="5号楼屋顶防水"]').first()).toBeVisible();
  await snap(page, 'actions-returned-task');
  // the case page's diagram shows the return: the boundary event on 分类处理 and its flow back to 登记建档
  await page.goto(`/case/${encodeURIComponent(reference)}`);
  await expect(page.locator('[data-element-id="A_BR_Triage"]').first()).toBeAttached({ timeout: 30_000 });
  await expect(page.locator('[data-element-id="A_f_back_Triage"]').first()).toBeAttached();
  await expect(page.locator('.case-timeline').getByText('退回').first()).toBeVisible();
  await snap(page, 'actions-return-diagram');
  // the diagram itself, drawn at each size as it loads there (bpmn-js does not re-centre on a resize)
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.reload();
    await expect(page.locator('[data-element-id="A_BR_Triage"]').first()).toBeVisible({ timeout: 30_000 });
    await page.locator('.diagram-canvas').screenshot({ path: `screenshots/actions-return-diagram-close-${size}.png` });
  }
  await page.setViewportSize(SIZES.desktop);
});
