import { expect, test, type Page } from '@playwright/test';
import { axe, SIZES, snap } from './checks';
import { date, Driver, driveToMeetingNotice, stepper } from './drive';

// A resident takes part on the phone (issue 14): from her home she votes in the assembly's e-vote and changes her
// vote, posts in the case's discussion with an @mention, and later rates the result 不满意, which opens a fix;
// once the implementers record it she rates again. The case is driven over the API as the demo users of each role.
test.describe.configure({ mode: 'serial' });

const PASSWORD = 'yishi-demo';
const RESIDENT = 'proposer'; // a member of 金江路社区, on the vote's roll

let driver: Driver;
let reference = '';
let caseId = 0;
let meeting = '';

async function login(page: Page, user: string) {
  await page.setViewportSize(SIZES.phone);
  await page.goto('/login');
  await page.getByLabel('用户名').fill(user);
  await page.locator('#login-password').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/inbox/);
}

test('a resident votes from her home and posts in the discussion at phone size', async ({ page, request }) => {
  driver = new Driver(request);
  ({ reference, meeting } = await driveToMeetingNotice(driver, '翠湖小区加装电梯（网上表决）'));
  const opened = await driver.call('POST', `/api/cases/${encodeURIComponent(reference)}/votes`, 'grid_steward',
    { roll: [{ user: RESIDENT, weight: 1 }, { user: 'grid_steward', weight: 1 }, { user: 'assembly', weight: 1 }] });
  expect(opened.eligible_total).toBe(3);
  caseId = (await driver.call('GET', `/api/cases/${encodeURIComponent(reference)}`, RESIDENT)).id;

  await login(page, RESIDENT);
  await page.locator('.tabbar').getByRole('link', { name: '参与' }).click();
  await expect(page.getByRole('heading', { name: '待我投票' })).toBeVisible();
  const card = page.locator('.home-card', { hasText: '网上表决' });
  await expect(card).toContainText('未投票');
  await card.getByRole('link', { name: '去投票' }).click();
  await expect(page).toHaveURL(new RegExp(`/take-part/${caseId}`));
  await page.getByRole('button', { name: '同意' }).click();
  await expect(page.locator('.take-status').first()).toHaveText(/您已投票：同意/);
  await page.getByRole('button', { name: '反对' }).click();  // a change before the window closes
  await expect(page.locator('.take-status').first()).toHaveText(/您已投票：反对/);
  await page.getByLabel('我要发言').fill('管道走向我同意，请 @grid_steward 看看施工时间。');
  await page.getByRole('button', { name: '发送' }).click();
  await expect(page.locator('.post').first()).toContainText('请 @grid_steward 看看施工时间');
  await axe(page, 'take-part-vote');
  await snap(page, '30-take-part-vote');

  const votes = await driver.call('GET', `/api/cases/${caseId}/votes`, RESIDENT);
  expect([votes.votes[0].my_choice, votes.votes[0].changes]).toEqual(['no', 1]);
  const thread = await driver.call('GET', `/api/cases/${caseId}/discussion`, 'grid_steward');
  expect(thread.posts[0].mentions).toEqual(['grid_steward']);
});

test('the vote is counted with the paper ballots and the resident rates the result, then again after the fix', async ({ page, request }) => {
  driver = new Driver(request);
  const step = stepper(driver, reference);
  // the meeting: the e-vote closes three hours after it starts; paper ballots and the count
  await driver.clock({ set_to: meeting.replace('T19:00', 'T19:01') });
  await driver.call('POST', `/api/cases/${caseId}/votes/paper`, 'assembly', { ballots: [{ voter: 'assembly', choice: 'yes' }, { voter: 'grid_steward', choice: 'yes' }] });
  let now = await driver.clock({ set_to: meeting.replace('T19:00', 'T22:01') });
  await step('AV_UT_RecordVote', 'assembly', { voting_method: 'signed_vote', resolution_text: '同意实施中水灌溉改造',
    attendance_sheet: [await driver.attach(reference, 'assembly', 'attendance.png')],
    tally_sheet: [await driver.attach(reference, 'assembly', 'tally.png')] });
  const counted = (await driver.call('GET', `/api/cases/${caseId}/votes`, RESIDENT)).votes[0];
  expect([counted.result.present, counted.result.yes, counted.result.no]).toEqual([3, 2, 1]);
  const publish = async (next: string) => {
    await step('PUB_UT_Post', 'grid_steward', { channels: ['notice_board'], start_at: `${date(now)}T10:00:00+08:00`,
      content: '公示', posting_evidence: [await driver.attach(reference, 'grid_steward', `p${now}.png`)] });
    for (let i = 0; i < 30; i += 1) {
      now = await driver.clock({ advance_days: 1 });
      const open = (await driver.call('GET', `/api/cases/${caseId}`, 'admin')).open_tasks as { element_id: string }[];
      if (open.some((t) => t.element_id === next)) break;
    }
  };
  await publish('CI_UT_Classify');
  await step('CI_UT_Classify', 'two_committees', { outcome_classes: ['implementation'] });
  await step('CI_UT_ReviewLegality', 'street_office', { legality: 'lawful', reviewed_at: date(now) });
  await step('CI_UT_Assign', 'two_committees', { owner: { name: '周委员', role: '居委会委员' }, deadline: date(now + 60 * 86_400_000),
    budget: 86000, stakeholder_supervisors: [{ name: '张居民' }] });
  now = await driver.clock({ advance_days: 10 });
  await step('CI_UT_Implement', 'two_committees', { completed_at: date(now), evidence: [await driver.attach(reference, 'two_committees', 'pipes.png')] });
  await step('CI_UT_Accept', 'supervision_committee', { acceptance: 'accepted', signatories: [{ name: '赵监督', role: '监督委员会' }, { name: '张居民' }] });
  await publish('RE_UT_Evaluate');

  await login(page, RESIDENT);
  await page.goto('/home');
  const waiting = page.locator('.home-card', { hasText: '网上表决' });
  await waiting.getByRole('link', { name: '去评价' }).click();
  await page.getByRole('radio', { name: '不满意', exact: true }).click();
  await expect(page.getByText('15 个工作日内整改')).toBeVisible();
  await page.getByLabel('意见（可不填）').fill('3号楼前的管道漏水');
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('#rate .take-status')).toHaveText(/您的评价：不满意/);
  await expect(page.locator('#rate')).toContainText('已转交整改');
  await axe(page, 'take-part-rate');
  await snap(page, '31-take-part-rated');

  await driver.call('POST', `/api/cases/${caseId}/ratings/fix`, 'two_committees', { rater: RESIDENT, outcome: '更换了漏水的接头' });
  await page.setViewportSize(SIZES.phone);
  await page.goto('/home');
  await expect(page.locator('.home-card', { hasText: '整改已完成' })).toBeVisible();
  await page.goto(`/take-part/${caseId}#rate`);
  await expect(page.locator('#rate')).toContainText('更换了漏水的接头');
  await page.getByRole('radio', { name: '满意', exact: true }).click();
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('#rate')).toContainText('整改已回访');
  await snap(page, '32-take-part-fixed');
  const ratings = await driver.call('GET', `/api/cases/${caseId}/ratings`, RESIDENT);
  expect([ratings.my_fix.state, ratings.my_fix.new_level]).toEqual(['closed', 'satisfied']);

  // the home in the elder mode stays readable: large text, the same sections
  await page.goto('/home');
  await page.getByRole('switch', { name: '长辈模式' }).first().click();
  await expect(page.getByRole('heading', { name: '我的提议' })).toBeVisible();
  await axe(page, 'home-elder');
  await snap(page, '33-home-elder');
  await page.getByRole('switch', { name: '长辈模式' }).first().click();
  // leave the engine clock as the other browser tests expect it: today
  await driver.clock({ set_to: new Date().toISOString() });
});
