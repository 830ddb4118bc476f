#!/usr/bin/env node
// Gzipped size of the JavaScript the participant pages load (the inbox and a task with its form), without the
// diagram viewer: the entry chunk and everything it imports statically, plus the lazily loaded task page and
// schema form with their static imports. Reads the manifest vite writes (dist/.vite/manifest.json).
//
//   node scripts/bundle-size.mjs          prints the chunks and the total, exits 1 over the budget
//   node scripts/bundle-size.mjs --json   the same as JSON (the Vitest check reads it)
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// bytes, gzipped; 350 KB until the residents' home (参与) link and its two lazy routes took the entry chunk from
// 349.9 to 350.7 KB (measured on the same tree with and without them)
export const BUDGET = 352 * 1024;
const LAZY_PAGES = ['src/pages/Task.tsx', 'src/components/SchemaForm.tsx'];

export function measure(dist) {
  const manifestPath = join(dist, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: build the web app first (make web)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const next of manifest[key].imports ?? []) visit(next);
  };
  visit(entry);
  for (const page of LAZY_PAGES) {
    if (!manifest[page]) throw new Error(`${page} is not a chunk of the build any more: update LAZY_PAGES`);
    visit(page);
  }
  const chunks = [...seen].map((key) => {
    const file = manifest[key].file;
    const bytes = readFileSync(join(dist, file));
    return { chunk: key, file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }).sort((a, b) => b.gzip - a.gzip);
  const leaks = chunks.filter((c) => /bpmn|diagram-js/i.test(c.chunk) || /bpmn/i.test(c.file));
  const total = chunks.reduce((sum, c) => sum + c.gzip, 0);
  return { budget: BUDGET, total, chunks, diagramViewerIncluded: leaks.length > 0 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const result = measure(dist);
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(result, null, 1) + '\n');
  } else {
    for (const c of result.chunks) console.log(`${(c.gzip / 1024).toFixed(1).padStart(7)} KB  ${c.file}  (${c.chunk})`);
    console.log(`${(result.total / 1024).toFixed(1).padStart(7)} KB  participant pages (inbox, task, form), gzipped; budget ${result.budget / 1024} KB`);
  }
  if (result.total > result.budget || result.diagramViewerIncluded) process.exitCode = 1;
}
