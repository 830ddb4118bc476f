import { expect, test, type Page } from '@playwright/test';
import { axe, SIZES, snap } from './checks';
import { Driver, UNIT } from './drive';

// The designers' studio, as issue 12 walks it: a designer opens five_step, renames a task, changes a form label,
// sees a lint problem appear on a broken condition and disappear when fixed, runs the scenarios, deploys (the
// difference drawn first) and moves a running case to the new version. Screenshots at phone and desktop sizes.
test.describe.configure({ mode: 'serial' });

async function login(page: Page, user: string) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(user);
  await page.locator('#login-password').fill('yishi-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/inbox/);
}

async function find(page: Page, id: string) {
  const box = page.getByRole('combobox', { name: '找环节（名称或 ID）' });
  await box.click();
  await box.fill(id);
  await page.locator('.ant-select-item-option', { hasText: id }).first().click();
}

test('a designer edits, checks, tests, deploys five_step and moves a running case', async ({ page, request }) => {
  test.setTimeout(240_000);
  const driver = new Driver(request);
  const started = await driver.call('POST', '/api/cases', 'proposer', { definition: 'five_step', unit: UNIT, title: '迁移用的事项', data: { title: '迁移用的事项' } });
  const content = await driver.call('GET', '/api/definitions/five_step/versions/1', 'designer');
  const xml = content.bpmn['five_step.bpmn'] as string;
  // a flow out of a gateway with a condition (the one the designer breaks and mends)
  const flow = /<bpmn:sequenceFlow id="([^"]+)"[^>]*>\s*(?:<bpmn:documentation>[^<]*<\/bpmn:documentation>\s*)?<bpmn:conditionExpression[^>]*>([^<]+)</.exec(xml)!;
  const [flowId, condition] = [flow[1], flow[2].replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")];

  await login(page, 'designer');
  await page.getByRole('link', { name: /流程设计/ }).first().click();
  await page.getByRole('link', { name: /五步议事法/ }).click();
  await expect(page.getByText('0 处错误，共 0 条提示')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('没有问题：服务器检查和 bpmnlint 都通过。')).toBeVisible();
  await snap(page, 'studio-open');

  // rename a task in the properties panel
  await find(page, 'A_UT_Triage');
  await expect(page.locator('.bio-properties-panel-header-label')).toContainText('分类处理');
  const general = page.locator('.bio-properties-panel-group-header', { hasText: '常规' });
  if (!(await page.locator('#bio-properties-panel-name').isVisible())) await general.click();
  await page.locator('#bio-properties-panel-name').fill('分类与答复 Triage and reply');
  await expect(page.locator('[data-element-id="A_UT_Triage"]').first()).toContainText('分类与答复');
  // the Yishi group shows what the engine reads
  await expect(page.locator('#bio-properties-panel-yishi-form')).toHaveValue('A_UT_Triage.schema.json');
  // the step's drawn 退回: a signal boundary event marked sendBack, its flow back to 登记建档
  await find(page, 'A_BR_Triage');
  await expect(page.locator('.bio-properties-panel-header-label')).toContainText('退回登记');
  await expect(page.locator('#bio-properties-panel-yishi-send-back')).toBeChecked();
  await snap(page, 'studio-send-back');
  await find(page, 'A_UT_Triage'); // back to the step whose form is edited next

  // change a form label in the code editor; the phone preview shows it
  await page.getByRole('tab', { name: '表单' }).click();
  const schema = page.locator('#studio-schema .cm-content');
  await schema.locator('.cm-line', { hasText: '"title": "处理方式",' }).click();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type('（必选）');
  await expect(page.locator('.studio-phone')).toContainText('处理方式（必选）');
  await expect(page.locator('.studio-labels')).toContainText('处理方式（必选）');
  // the uiSchema editor offers the app's widgets and marks one it does not have, as it is typed
  const ui = page.locator('#studio-uischema');
  await ui.locator('.cm-line', { hasText: '"ui:widget": "radio"' }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  for (let i = 0; i < 5; i += 1) await page.keyboard.press('Backspace');
  await page.keyboard.type('ra');
  await expect(page.locator('.cm-tooltip-autocomplete')).toContainText('radio');
  await page.keyboard.press('Escape');
  await expect(ui.locator('.studio-json-problems')).toContainText('第 ');
  await expect(ui.locator('.cm-lintRange-error').first()).toBeVisible();
  await snap(page, 'studio-form');
  await page.keyboard.type('dio');
  await expect(ui).toHaveAttribute('data-problems', '0');

  // a broken condition: checked as typed, drawn on the diagram and listed; mended, it disappears
  await find(page, flowId);
  const field = page.locator('#bio-properties-panel-yishi-condition');
  await expect(field).toHaveValue(condition.trim());
  await field.fill(`${condition.trim()} and`);
  await page.getByRole('tab', { name: '环节检查' }).click();
  await expect(page.locator('.studio-expression-error')).toContainText('未通过沙箱检查');
  await page.getByRole('tab', { name: /问题/ }).click();
  await expect(page.getByText(/^1 处错误/)).toBeVisible({ timeout: 20_000 });
  await expect(page.locator(`.studio-problems [data-element="${flowId}"]`)).toContainText('条件表达式未通过沙箱检查');
  await expect(page.locator(`[data-element-id="${flowId}"].studio-problem`).first()).toBeAttached();
  await snap(page, 'studio-problem');
  await page.locator(`.studio-problems [data-element="${flowId}"]`).click(); // selects it again
  await field.fill(condition.trim());
  await expect(page.getByText('0 处错误，共 0 条提示')).toBeVisible({ timeout: 20_000 });

  // the scenarios run against the draft
  await page.getByRole('tab', { name: '测试' }).click();
  await page.getByRole('button', { name: '运行测试' }).click();
  await expect(page.getByText('5/5 个场景通过')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: '在图上显示路径' }).first().click();
  await expect(page.locator('[data-element-id="A_UT_Register"].studio-path').first()).toBeAttached();
  await snap(page, 'studio-tests');

  // deploy: the difference first, drawn on the diagram; then move the running case
  await page.getByRole('tab', { name: '部署与迁移' }).click();
  await page.getByRole('button', { name: '与运行版本比较' }).click();
  await expect(page.locator('.studio-diff')).toContainText('A_UT_Triage');
  await expect(page.locator('[data-element-id="A_UT_Triage"].studio-changed').first()).toBeAttached();
  await page.getByRole('button', { name: '部署新版本' }).click();
  await expect(page.getByText('已部署为第 2 版')).toBeVisible({ timeout: 30_000 });
  const item = page.locator(`.studio-plan [data-case="${started.reference}"]`);
  await expect(item).toContainText('可以迁移');
  await page.getByRole('button', { name: /迁移所选 \d+ 件/ }).click();  // every movable case, the other files' too
  await expect(page.locator('.studio-moved', { hasText: started.reference })).toContainText('已迁移到第 2 版',
    { timeout: 30_000 });
  await snap(page, 'studio-deployed');
  await axe(page, 'studio');

  const moved = await driver.call('GET', `/api/cases/${encodeURIComponent(started.reference)}`, 'proposer');
  expect(moved.definition_version).toBe(2);
  const version2 = await driver.call('GET', '/api/definitions/five_step/versions/2', 'designer');
  expect(version2.bpmn['five_step.bpmn']).toContain('分类与答复 Triage and reply');
  expect(JSON.stringify(version2.forms['five_step/A_UT_Triage.schema.json'])).toContain('处理方式（必选）');
  const history = await driver.call('GET', `/api/cases/${encodeURIComponent(started.reference)}/history`, 'proposer');
  expect(history.events.at(-1).kind).toBe('case_migrated');
});

test('the bargaining diagram opens in the studio, readable and clean', async ({ page }) => {
  await login(page, 'designer');
  await page.goto('/studio/building_collective_bargaining');
  await expect(page.getByText('0 处错误，共 0 条提示')).toBeVisible({ timeout: 30_000 });
  await snap(page, 'studio-bargaining');
  // the process it calls, read-only, with the methods that share it
  await page.getByRole('tab', { name: '调用的流程' }).click();
  const called = page.locator('[data-called="congress_vote"]');
  await expect(called).toContainText('与它最新的第 1 版相同');
  await called.getByRole('button', { name: '查看流程图' }).click();
  await expect(called.locator('.studio-readonly svg').first()).toBeVisible();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.getByRole('button', { name: '看全图' }).click();
  await page.screenshot({ path: 'screenshots/studio-bargaining-whole.png' });
});

test('a newer version of a called process, deployed on its own, is adopted into the draft and deployed with it', async ({ page, request }) => {
  const driver = new Driver(request);
  // congress_vote's version 2, deployed on its own: its first user task renamed
  const own = await driver.call('GET', '/api/definitions/congress_vote/versions/1', 'designer');
  const file = 'congress_vote.bpmn';
  const task = /<bpmn:userTask id="([^"]+)" name="/.exec(own.bpmn[file])![1];
  const bpmn = { ...own.bpmn, [file]: (own.bpmn[file] as string).replace(`<bpmn:userTask id="${task}" name="`, `$&第二版 `) };
  const deployed = await driver.call('POST', '/api/definitions', 'designer', { bpmn, forms: own.forms });
  expect(deployed.deployed.find((d: { key: string }) => d.key === 'congress_vote').version).toBe(2);

  await login(page, 'designer');
  await page.goto('/studio/building_collective_bargaining');
  await expect(page.getByText('0 处错误，共 0 条提示')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('tab', { name: '调用的流程' }).click();
  const called = page.locator('[data-called="congress_vote"]');
  await expect(called).toContainText('它已有更新的第 2 版');
  await called.getByRole('button', { name: '采用第 2 版' }).click();
  await expect(called).toContainText('已采用第 2 版（部署后生效）');
  await called.getByRole('button', { name: '查看流程图' }).click(); // the draft's copy now: the renamed task
  await expect(called.locator(`.studio-readonly [data-element-id="${task}"]`).first()).toContainText('第二版');
  await snap(page, 'studio-adopted');

  await page.getByRole('tab', { name: '部署与迁移' }).click();
  await page.getByRole('button', { name: '与运行版本比较' }).click();
  await expect(page.locator('.studio-diff')).toContainText(task);
  await page.getByRole('button', { name: '部署新版本' }).click(); // the server lints the draft with its adopted file first
  await expect(page.getByText('已部署为第 2 版')).toBeVisible({ timeout: 30_000 });
  const version2 = await driver.call('GET', '/api/definitions/building_collective_bargaining/versions/2', 'designer');
  expect(version2.bpmn[file]).toContain('第二版');
  await page.getByRole('tab', { name: '调用的流程' }).click();
  await expect(called).toContainText('与它最新的第 2 版相同');
  // the diagram opened before stays drawn (it was fitted while its tab was hidden, and failed, before)
  await expect(called.locator('.studio-readonly svg').first()).toBeVisible();
  await expect(called.getByRole('alert')).toHaveCount(0);
});

// On a phone antd's tab bar drops its overflow menu (the tabs past the screen's edge only come by a sideways swipe),
// so the studio shows its panels in a native select there: each one opens from it.
test.describe('on a phone', () => {
  test.use({ viewport: SIZES.phone, isMobile: true, hasTouch: true,
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' });

  test('every studio panel opens', async ({ page }) => {
    await login(page, 'designer');
    await page.goto('/studio/five_step');
    await expect(page.getByText(/^\d+ 处错误/)).toBeVisible({ timeout: 30_000 });
    const pick = page.getByLabel('面板');
    const panel = page.getByRole('tabpanel');
    const shows = {
      element: panel.getByText('在图上选中一个环节'),
      form: panel.getByText('在图上选中一个人工任务'),
      scenarios: panel.getByRole('button', { name: '运行测试' }),
      deploy: panel.getByRole('button', { name: '与运行版本比较' }),
      called: panel.locator('[data-called="assembly_vote"]'),
      versions: panel.getByRole('button', { name: '下载', exact: true }).first(),
      problems: panel.getByText(/^\d+ 处错误/),
    };
    for (const [key, shown] of Object.entries(shows)) {
      await pick.selectOption(key);
      await expect(shown).toBeVisible();
      if (key === 'called') { await pick.scrollIntoViewIfNeeded(); await page.screenshot({ path: 'screenshots/studio-panels-phone.png' }); }
    }
    await pick.selectOption('called'); // and it is used there: the called process's diagram opens on a tap
    await panel.locator('[data-called="assembly_vote"]').getByRole('button', { name: '查看流程图' }).tap();
    await expect(panel.locator('.studio-readonly svg').first()).toBeVisible();
  });
});
