import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

// Every shipped diagram in a plain bpmn-js Modeler (the bundle bpmn-js publishes) extended only with
// camunda-bpmn-moddle, as Camunda Modeler 5 reads BPMN: it imports without a single warning and, exported again,
// keeps every spiffworkflow extension element and attribute the engine reads. What this shows and what it does not:
// README, "Other modelers".
const here = fileURLToPath(new URL('.', import.meta.url));
const processes = join(here, '..', '..', 'processes');
const files = readdirSync(processes).filter((f) => f.endsWith('.bpmn')).sort();
const modeler = join(here, '..', 'node_modules', 'bpmn-js', 'dist', 'bpmn-modeler.production.min.js');
const camunda = JSON.parse(readFileSync(join(here, '..', 'node_modules', 'camunda-bpmn-moddle', 'resources', 'camunda.json'), 'utf8'));

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
    .replace(/&#10;/g, '\n').replace(/&amp;/g, '&');
}

/** The spiffworkflow elements of a document, each with its attributes and text, in order. */
function spiffworkflow(xml: string): string[] {
  return [...xml.matchAll(/<spiffworkflow:(\w+)([^>]*?)(?:\/>|>([\s\S]*?)<\/spiffworkflow:\1>)/g)]
    .map((m) => `${m[1]} ${unescape(m[2].replace(/\s+/g, ' ').trim())}|${(m[3] ?? '').includes('<spiffworkflow:') ? '' : unescape(m[3] ?? '').trim()}`);
}

test('the shipped diagrams open in a Camunda-flavoured bpmn-js Modeler and keep their SpiffWorkflow extensions', async ({ page }) => {
  await page.setContent('<div id="canvas" style="width:1200px;height:800px"></div>');
  await page.addScriptTag({ path: modeler });
  for (const file of files) {
    const xml = readFileSync(join(processes, file), 'utf8');
    const result = await page.evaluate(async ({ xml, camunda }) => {
      const BpmnJS = (window as unknown as { BpmnJS: new (o: object) => {
        importXML(x: string): Promise<{ warnings: { message: string }[] }>; saveXML(o: object): Promise<{ xml: string }>; destroy(): void;
      } }).BpmnJS;
      const bpmn = new BpmnJS({ container: '#canvas', moddleExtensions: { camunda } });
      const { warnings } = await bpmn.importXML(xml);
      const { xml: saved } = await bpmn.saveXML({ format: true });
      bpmn.destroy();
      return { warnings: warnings.map((w) => w.message), saved };
    }, { xml, camunda });
    expect(result.warnings, file).toEqual([]);
    const before = spiffworkflow(xml);
    expect(before.length, file).toBeGreaterThan(0);
    expect(spiffworkflow(result.saved), file).toEqual(before);
  }
});
