// The participant pages (inbox, task and its form) stay under 350 KB of gzipped JavaScript, without the diagram
// viewer. Reads the last build (make web-test builds first); fails, never skips, when there is none.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('bundle budget', () => {
  it('keeps the participant pages under 350 KB gzipped, without bpmn-js', () => {
    const script = join(__dirname, '..', '..', 'scripts', 'bundle-size.mjs');
    let out: string;
    try {
      out = execFileSync(process.execPath, [script, '--json'], { encoding: 'utf8' });
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      out = failed.stdout || '';
      if (!out) throw new Error(`bundle-size.mjs failed: ${failed.stderr ?? String(error)}`);
    }
    const result = JSON.parse(out) as { total: number; budget: number; diagramViewerIncluded: boolean; chunks: { file: string }[] };
    expect(result.diagramViewerIncluded).toBe(false);
    expect(result.chunks.length).toBeGreaterThan(1);
    expect(result.total).toBeLessThanOrEqual(result.budget);
  });
});
