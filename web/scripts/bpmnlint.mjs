// bpmnlint's recommended rules (with the exceptions in web/.bpmnlintrc) over every shipped process.
// `node scripts/bpmnlint.mjs [--json] [files…]`: prints each problem as file, element, rule, message;
// exits 1 when there is any. Run by the Vitest test src/test/bpmnlint.test.ts (make web-test).
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const processes = join(web, '..', 'processes');
const files = args.filter((a) => !a.startsWith('--'));
const targets = files.length ? files : readdirSync(processes).filter((f) => f.endsWith('.bpmn')).sort().map((f) => join(processes, f));

const config = JSON.parse(readFileSync(join(web, '.bpmnlintrc'), 'utf8'));
const linter = new Linter({ config, resolver: new NodeResolver() });
const moddle = new BpmnModdle();
const problems = [];
for (const file of targets) {
  const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, 'utf8'));
  for (const warning of warnings) problems.push({ file, element: '', rule: 'import', message: warning.message, category: 'error' });
  const report = await linter.lint(rootElement);
  for (const [rule, reports] of Object.entries(report)) {
    for (const r of reports) {
      if (r.category === 'off') continue;
      problems.push({ file, element: r.id ?? '', rule, message: r.message, category: r.category });
    }
  }
}
if (asJson) {
  console.log(JSON.stringify({ files: targets.length, problems }, null, 1));
} else {
  for (const p of problems) console.log(`${p.file} ${p.element} ${p.category} ${p.message} (${p.rule})`);
  console.log(`${targets.length} file(s), ${problems.length} problem(s)`);
}
process.exit(problems.length ? 1 : 0);
