// Drives a five-step case over the HTTP API as the demo users of each role, up to its resolution's public notice
// (公示), so the browser test of the public board has a publication that really runs. The step data follow the
// scenario helpers of the Python tests (tests/support/five_step.py).
import { expect, type APIRequestContext } from '@playwright/test';

const PASSWORD = 'yishi-demo';
export const UNIT = '金江路社区';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class Driver {
  private tokens = new Map<string, string>();

  constructor(private readonly request: APIRequestContext) {}

  async token(user: string): Promise<string> {
    // engine-time tokens expire when the dev clock moves: log in again for every call after a move
    const cached = this.tokens.get(user);
    if (cached) return cached;
    const response = await this.request.post('/api/auth/login', { data: { user, password: PASSWORD } });
    expect(response.status(), await response.text()).toBe(200);
    const token = (await response.json()).access_token as string;
    this.tokens.set(user, token);
    return token;
  }

  async call(method: 'GET' | 'POST', path: string, user: string, data?: unknown) {
    const headers = { Authorization: `Bearer ${await this.token(user)}` };
    const response = method === 'GET' ? await this.request.get(path, { headers }) : await this.request.post(path, { headers, data });
    expect(response.ok(), `${method} ${path} as ${user}: ${response.status()} ${await response.text()}`).toBeTruthy();
    return response.json();
  }

  /** Uploads a small stand-in file (a PNG header and its name) to a case; the reference a form's attachment
   * field takes (processes/CONVENTIONS.md, "Attachments"). */
  async attach(reference: string, user: string, name: string): Promise<{ sha256: string; name: string }> {
    const headers = { Authorization: `Bearer ${await this.token(user)}` };
    const buffer = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(name)]);
    const response = await this.request.post(`/api/cases/${encodeURIComponent(reference)}/attachments`,
      { headers, multipart: { file: { name, mimeType: 'image/png', buffer } } });
    expect(response.status(), await response.text()).toBe(201);
    const body = await response.json();
    return { sha256: body.sha256 as string, name: body.file_name as string };
  }

  /** The engine clock (moves it by `days`, firing the timers that fall due). */
  async clock(move: { advance_days?: number; set_to?: string } = {}): Promise<number> {
    const result = await this.call('POST', '/api/dev/clock', 'admin', { advance_days: 0, ...move });
    this.tokens.clear();
    return Date.parse(result.now);
  }
}

/** An instant `ms` as ISO-8601 in Beijing time. */
export function beijing(ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().slice(0, 19) + '+08:00';
}
export function date(ms: number): string {
  return beijing(ms).slice(0, 10);
}

export type Step = (element: string, user: string, data: Record<string, unknown>) => Promise<void>;

/** Completes the open task of `element` in the case as `user`. */
export function stepper(driver: Driver, reference: string): Step {
  return async (element, user, data) => {
    const detail = await driver.call('GET', `/api/cases/${encodeURIComponent(reference)}`, user);
    const task = (detail.open_tasks as { task_id: string; element_id: string }[]).find((t) => t.element_id === element);
    expect(task, `${element} open in ${reference}: ${JSON.stringify(detail.open_tasks)}`).toBeTruthy();
    const form = await driver.call('GET', `/api/tasks/${task!.task_id}`, user);
    // a step that takes a handwritten signature (决议): a stand-in image, as the pad would upload it
    const opinion = form.signature === 'required'
      ? { text: '同意。', signature: await driver.attach(reference, user, 'signature.png') } : undefined;
    const done = await driver.call('POST', `/api/tasks/${task!.task_id}/complete`, user, { data, opinion });
    expect(done.status).not.toBe('error');
  };
}

/** Starts a five-step case and completes its first steps (提议 → 商议): the case and a way to do its next steps. */
async function startAndConsult(driver: Driver, title: string, config: Record<string, unknown> = {}) {
  const now = await driver.clock();
  const started = await driver.call('POST', '/api/cases', 'proposer', { definition: 'five_step', unit: UNIT, title, data: { title, ...config } });
  const reference = started.reference as string;
  const step = stepper(driver, reference);
  await step('A_UT_Register', 'grid_steward', {
    channel: 'deliberation_hall', proposer_type: 'owners_committee', proposer: { name: '李业委', role: '业委会主任', unit: '金康园业委会' },
    co_signers: 35, title, description: '小区绿化用自来水浇灌费用高，业委会提议改用中水灌溉并加装管道。',
    category: 'renovation', scope: 'courtyard_or_estate', est_households_affected: 420,
  });
  await step('A_UT_Triage', 'grid_steward', { triage_result: 'deliberate' });
  await step('A_UT_Consult', 'deliberation_committee', {
    consult_at: beijing(now - 2 * HOUR), venue: '阳光议事厅',
    participants: [{ name: '李业委', role: 'owners_committee' }, { name: '张居民', role: 'resident_rep' },
      { name: '王物业', role: 'property_company' }, { name: '赵监督', role: 'supervision_committee' }],
    related_units: ['金康园业委会', '物业服务企业'], plan_summary: '中水管道改造方案',
    plan_items: [{ item: '铺设中水管道', responsible: '物业', est_cost: 86000, funding: 'maintenance_fund', timeline: '60日' }],
    consensus_reached: true, minutes: [await driver.attach(reference, 'deliberation_committee', 'minutes.png')],
  });
  return { reference, step, now };
}

/** A five-step case whose review panel signs the evaluation (panel_sign: all, 会签): its reference. */
export async function driveToPanelSign(driver: Driver, title: string): Promise<string> {
  return (await startAndConsult(driver, title, { panel_sign: 'all' })).reference;
}

/** A five-step case through 审议 with the assembly's meeting notice posted (the meeting four days on, 19:00). */
export async function driveToMeetingNotice(driver: Driver, title: string): Promise<{ reference: string; step: Step; now: number; meeting: string }> {
  const { reference, step, now } = await startAndConsult(driver, title);
  await step('A_UT_Evaluate', 'review_panel', {
    panel: [{ name: '陈工', role: 'professional', unit: '市政设计院' }, { name: '刘代表', role: 'npc_deputy' }, { name: '孙律师', role: 'professional' }],
    technical_feasibility: 'ok', legal_compliance: 'ok', cost_reasonableness: 'ok', safety: 'ok', resident_acceptance: 'ok',
    verdict: 'feasible', report: [await driver.attach(reference, 'review_panel', 'feasibility.png')],
  });
  await step('A_UT_PartyReview', 'party_org', {
    body: 'party_committee', meeting_date: date(now), decision: 'approve_submit_to_vote', assembly_date: date(now + 5 * DAY),
    assembly_type: 'rep_assembly',
  });
  const meeting = `${date(now + 4 * DAY)}T19:00:00+08:00`;
  await step('AV_UT_PublishNotice', 'grid_steward', {
    notice_published_at: beijing(now), meeting_at: meeting, venue: '社区会议室', channels: ['notice_board', 'wechat_group'],
    content: '会议议程与方案', posting_evidence: [await driver.attach(reference, 'grid_steward', 'notice.png')],
  });
  return { reference, step, now, meeting };
}

export async function driveToPublication(driver: Driver, title: string): Promise<string> {
  const { reference, step, meeting } = await driveToMeetingNotice(driver, title);
  const now = await driver.clock({ set_to: meeting.replace('T19:00', 'T19:01') }); // the meeting timer fires
  await step('AV_UT_RecordVote', 'assembly', {
    eligible_total: 41, present: 30, yes: 22, no: 5, abstain: 3, voting_method: 'show_of_hands',
    resolution_text: '同意实施中水灌溉改造', attendance_sheet: [await driver.attach(reference, 'assembly', 'attendance.png')],
    tally_sheet: [await driver.attach(reference, 'assembly', 'tally.png')],
  });
  await step('PUB_UT_Post', 'grid_steward', {
    channels: ['notice_board', 'wechat_official'], start_at: beijing(now), content: '决议：实施中水灌溉改造，公示 7 日。',
    posting_evidence: [await driver.attach(reference, 'grid_steward', 'posting.png')],
  });
  return reference;
}
