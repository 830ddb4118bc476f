// Runs one of web/scripts/*.mjs with --json and returns its parsed output, also when it exits non-zero
// (a script reports its findings in the output, the test decides).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function runScript<T>(name: string): T {
  const script = join(__dirname, '..', '..', 'scripts', name);
  let out: string;
  try {
    out = execFileSync(process.execPath, [script, '--json'], { encoding: 'utf8' });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    out = failed.stdout || '';
    if (!out) throw new Error(`${name} failed: ${failed.stderr ?? String(error)}`);
  }
  return JSON.parse(out) as T;
}
