// The participant pages (inbox, task and its form) stay under 352 KB of gzipped JavaScript, without the diagram
// viewer. Reads the last build (make web-test builds first); fails, never skips, when there is none.
import { describe, expect, it } from 'vitest';
import { runScript } from './run-script';

describe('bundle budget', () => {
  it('keeps the participant pages under 352 KB gzipped, without bpmn-js', () => {
    const result = runScript<{ total: number; budget: number; diagramViewerIncluded: boolean; chunks: { file: string }[] }>('bundle-size.mjs');
    expect(result.diagramViewerIncluded).toBe(false);
    expect(result.chunks.length).toBeGreaterThan(1);
    expect(result.total).toBeLessThanOrEqual(result.budget);
  });
});
