import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { localize, splitBilingual } from '../lib/labels';
import { buildUiSchema, localizeSchema, toErrorSchema } from '../lib/forms';
import { matches } from '../lib/validator';
import { currentStage } from '../lib/stages';
import { dueState, formatInstant } from '../lib/time';

describe('bilingual labels', () => {
  it('pick the part of the language', () => {
    expect(localize('议题 Title', 'zh-CN')).toBe('议题');
    expect(localize('议题 Title', 'en')).toBe('Title');
    expect(localize('跨社区(建议提交街道议事平台) Cross-community (suggest the street platform)', 'en'))
      .toBe('Cross-community (suggest the street platform)');
    expect(localize('第一步 收集议题 Step 1: collect and register the issue', 'zh-CN')).toBe('第一步 收集议题');
    expect(localize('3号院加装电梯', 'en')).toBe('3号院加装电梯');
    expect(splitBilingual('Plain English')).toBeNull();
  });
});

const triage = {
  type: 'object',
  properties: {
    triage_result: { title: '处理方式 Result', type: 'string', enum: ['deliberate', 'refer'],
      'x-enum-labels': { deliberate: '提交协商 Deliberate', refer: '转办 Refer' } },
    reason: { title: '理由 Reason', type: 'string' },
    proposer: { $ref: '#/$defs/person' },
  },
  'x-order': ['triage_result', 'reason'],
  allOf: [{ if: { properties: { triage_result: { const: 'refer' } }, required: ['triage_result'] }, then: { required: ['reason'] } }],
  $defs: { person: { type: 'object', title: '人员 Person', properties: { name: { type: 'string', title: '姓名 Name' } }, 'x-order': ['name'] } },
};

describe('forms', () => {
  it('localize titles and derive the uiSchema (order, enum labels, long text)', () => {
    const schema = localizeSchema(triage, 'zh-CN') as Record<string, any>;
    expect(schema.properties.triage_result.title).toBe('处理方式');
    expect(schema.$defs.person.properties.name.title).toBe('姓名');
    const ui = buildUiSchema(triage, 'en', { reason: { 'ui:help': 'served' } }) as Record<string, any>;
    expect(ui['ui:order']).toEqual(['triage_result', 'reason', '*']);
    expect(ui.triage_result['ui:enumNames']).toEqual(['Deliberate', 'Refer']);
    expect(ui.reason['ui:widget']).toBe('textarea');
    expect(ui.reason['ui:help']).toBe('served');
    expect(ui.proposer['ui:order']).toEqual(['name', '*']);
  });

  it('put server field errors on their fields', () => {
    expect(toErrorSchema([
      { path: 'channel', message: 'is required' }, { path: 'channel', message: 'is required' },
      { path: 'proposer/name', message: 'is required' }, { path: '', message: 'whole form' },
    ])).toEqual({ channel: { __errors: ['is required'] }, proposer: { name: { __errors: ['is required'] } }, __errors: ['whole form'] });
  });

  it('decide schema conditions without ajv', () => {
    const cond = triage.allOf[0];
    expect(matches(cond.if, { triage_result: 'refer' }, triage)).toBe(true);
    expect(matches(cond.if, { triage_result: 'deliberate' }, triage)).toBe(false);
    expect(matches(cond.if, {}, triage)).toBe(false);
    expect(matches(triage, { triage_result: 'refer' }, triage)).toBe(false);
    expect(matches(triage, { triage_result: 'refer', reason: 'x' }, triage)).toBe(true);
    expect(matches({ not: { const: 'a' } }, 'b', {})).toBe(true);
    expect(matches({ type: 'integer', minimum: 1 }, 0, {})).toBe(false);
    expect(matches({ oneOf: [{ const: 1 }, { const: 2 }] }, 2, {})).toBe(true);
  });
});

describe('progress and deadlines', () => {
  it('find the stage of the open steps, including called processes', () => {
    expect(currentStage('five_step', [{ element_id: 'A_UT_Triage', process_key: 'five_step' }])).toBe(0);
    expect(currentStage('five_step', [{ element_id: 'AV_UT_RecordVote', process_key: 'assembly_vote' }])).toBe(4);
    expect(currentStage('five_step', [])).toBe(-1);
    expect(currentStage('unknown', [{ element_id: 'x' }])).toBe(-1);
  });

  it('count due days in Beijing time', () => {
    const now = dayjs('2026-12-01T02:00:00Z'); // 10:00 in Beijing
    expect(dueState('2026-12-01T15:59:59Z', now)).toEqual({ kind: 'today' });
    expect(dueState('2026-12-08T15:59:59Z', now)).toEqual({ kind: 'left', days: 7 });
    expect(dueState('2026-11-30T15:59:59Z', now)).toEqual({ kind: 'overdue', days: 1 });
    expect(dueState(null, now)).toEqual({ kind: 'none' });
    expect(formatInstant('2026-12-08T15:59:59Z')).toBe('2026-12-08 23:59');
  });
});
