// Every text goes through i18n: a key used in the code must exist in both catalogs, and both catalogs must
// have the same keys (plural forms aside).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import zhMain from '../i18n/zh-CN.json';
import enMain from '../i18n/en.json';
import signingZh from '../i18n/signing.zh-CN.json';
import signingEn from '../i18n/signing.en.json';
import caseActionsZh from '../i18n/caseActions.zh-CN.json';
import caseActionsEn from '../i18n/caseActions.en.json';
import zhParticipate from '../i18n/participate.zh-CN.json';
import enParticipate from '../i18n/participate.en.json';
import zhHandover from '../i18n/handover.zh-CN.json';
import enHandover from '../i18n/handover.en.json';
import zhActions from '../i18n/actions.zh-CN.json';
import enActions from '../i18n/actions.en.json';
import studioZh from '../studio/zh-CN.json';
import studioEn from '../studio/en.json';
import { METHOD_STAGES } from '../lib/stages';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : flatten(v, `${prefix}${k}.`)));
}
// the task actions' texts are a catalog of their own, merged in when their pages load (src/i18n/actions.ts)
function merged(main: Tree, more: Tree): Tree {
  const out: Tree = { ...main };
  for (const [k, v] of Object.entries(more)) out[k] = typeof v === 'string' || typeof out[k] !== 'object' ? v : merged(out[k] as Tree, v);
  return out;
}
const zh = merged(zhMain as Tree, zhActions as Tree);
const en = merged(enMain as Tree, enActions as Tree);
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
// the catalogs of lazily loaded pages (src/i18n/signing.ts, caseActions, participate, handover, the studio's
// src/studio/locales.ts) count with the main ones
const zhKeys = new Set([...flatten(zh as Tree), ...flatten(signingZh as Tree), ...flatten(caseActionsZh as Tree),
  ...flatten(zhParticipate as Tree), ...flatten(zhHandover as Tree), ...flatten(studioZh as Tree)].map(base));
const enKeys = new Set([...flatten(en as Tree), ...flatten(signingEn as Tree), ...flatten(caseActionsEn as Tree),
  ...flatten(enParticipate as Tree), ...flatten(enHandover as Tree), ...flatten(studioEn as Tree)].map(base));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('i18n catalogs', () => {
  it('have the same keys in Chinese and English', () => {
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  it('contain every literal key the code uses', () => {
    const used = new Set<string>();
    for (const file of sources(join(__dirname, '..'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['"]([a-zA-Z0-9_.]+)['"]/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !zhKeys.has(k) || !enKeys.has(k))).toEqual([]);
  });

  it('name every stage of every method, every case status and every stuck reason', () => {
    const needed = [
      ...Object.entries(METHOD_STAGES).flatMap(([m, stages]) => stages.map((s) => `stage.${m}.${s}`)),
      ...['waiting_for_people', 'waiting_for_timer', 'waiting_for_event', 'completed', 'suspended', 'cancelled', 'error'].map((s) => `status.${s}`),
      ...['overdue', 'idle', 'error', 'suspended', 'looping'].map((r) => `reason.${r}`),
      ...['suspend', 'resume', 'cancel', 'retry', 'reassign'].flatMap((a) => [`stuck.action.${a}`, `stuck.done.${a}`]),
    ];
    expect(needed.filter((k) => !zhKeys.has(k) || !enKeys.has(k))).toEqual([]);
  });

  it('name the roles of the demo table in Chinese', () => {
    const roles = ['proposer', 'grid_steward', 'deliberation_committee', 'review_panel', 'party_org', 'assembly',
      'two_committees', 'supervision_committee', 'street_office', 'union_fed', 'employer_side', 'recorder', 'congress',
      'upper_union', 'labour_admin'];
    for (const role of roles) expect((zh as Tree & { role: Record<string, string> }).role[role]).toMatch(/[\u4e00-\u9fff]/);
  });
});
