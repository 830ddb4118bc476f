// The studio keeps everything the engine reads: every shipped diagram read with the spiffworkflow moddle
// extension (src/studio/spiffworkflow.json, as the Modeler reads it) and written back holds the same properties,
// instructions, pre/post scripts, conditions, scripts and timers. And the helpers of the Yishi properties group.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BpmnModdle } from 'bpmn-moddle';
import spiffworkflow from '../studio/spiffworkflow.json';
import { joinInstructions, localizeUi, splitInstructions } from '../studio/extension';

const processes = join(__dirname, '..', '..', '..', 'processes');
const files = readdirSync(processes).filter((f) => f.endsWith('.bpmn')).sort();

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
    .replace(/&#10;/g, '\n').replace(/&amp;/g, '&').trim();
}

/** What the engine reads from a document, as text: every property, extension body, condition, script, timer. */
function engineView(xml: string): string[] {
  const found: string[] = [];
  for (const m of xml.matchAll(/<spiffworkflow:property name="([^"]*)" value="([^"]*)"/g)) found.push(`property ${m[1]}=${unescape(m[2])}`);
  for (const tag of ['instructionsForEndUser', 'preScript', 'postScript', 'messageVariable']) {
    for (const m of xml.matchAll(new RegExp(`<spiffworkflow:${tag}>([\\s\\S]*?)</spiffworkflow:${tag}>`, 'g'))) found.push(`${tag} ${unescape(m[1])}`);
  }
  for (const tag of ['conditionExpression', 'script', 'timeDate', 'timeDuration', 'timeCycle']) {
    for (const m of xml.matchAll(new RegExp(`<bpmn:${tag}[^>]*>([\\s\\S]*?)</bpmn:${tag}>`, 'g'))) found.push(`${tag} ${unescape(m[1])}`);
  }
  return found.sort();
}

describe('the studio', () => {
  it.each(files)('keeps what the engine reads in %s through a read and a write', async (file) => {
    const xml = readFileSync(join(processes, file), 'utf8');
    const moddle = new BpmnModdle({ spiffworkflow });
    const { rootElement, warnings } = await moddle.fromXML(xml);
    expect(warnings.map((w: { message: string }) => w.message)).toEqual([]);
    const { xml: written } = await moddle.toXML(rootElement, { format: true });
    const before = engineView(xml);
    expect(before.length).toBeGreaterThan(3);
    expect(engineView(written)).toEqual(before);
  });

  it('splits and joins the bilingual instructions', () => {
    const text = '[zh-CN]\n**登记**：问清情况。\n[en]\n**Register**: ask.';
    expect(splitInstructions(text)).toEqual({ zh: '**登记**：问清情况。', en: '**Register**: ask.' });
    expect(joinInstructions('甲', 'A')).toBe('[zh-CN]\n甲\n[en]\nA');
    expect(splitInstructions('只有中文')).toEqual({ zh: '只有中文', en: '' });
  });
});

describe('the form preview', () => {
  it('shows a uiSchema in the reader\'s language', () => {
    const ui = { x: { 'ui:placeholder': { 'zh-CN': '例如', en: 'e.g.' }, 'ui:options': { rows: 4 } }, 'ui:order': ['x'] };
    expect(localizeUi(ui, 'zh-CN')).toEqual({ x: { 'ui:placeholder': '例如', 'ui:options': { rows: 4 } }, 'ui:order': ['x'] });
    expect(localizeUi(ui, 'en')).toEqual({ x: { 'ui:placeholder': 'e.g.', 'ui:options': { rows: 4 } }, 'ui:order': ['x'] });
  });
});
