// bpmnlint's recommended rules pass on every shipped process (processes/*.bpmn), with the two rules that do not
// fit Yishi's conventions switched off in web/.bpmnlintrc (see processes/CONVENTIONS.md, "Diagrams").
import { describe, expect, it } from 'vitest';
import { runScript } from './run-script';

describe('bpmnlint', () => {
  it('reports no problem on the shipped processes', () => {
    const result = runScript<{ files: number; problems: { file: string; element: string; rule: string }[] }>('bpmnlint.mjs');
    expect(result.files).toBeGreaterThanOrEqual(9);
    expect(result.problems).toEqual([]);
  });
});
