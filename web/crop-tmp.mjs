import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
const [src, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
const data = readFileSync(src).toString('base64');
await page.setContent(`<body style="margin:0"><img id="i" src="data:image/png;base64,${data}"></body>`);
await page.waitForTimeout(300);
// find the diagram: the block of the 流程图 section is unknown; print the image height
const h = await page.evaluate(() => document.getElementById('i').naturalHeight);
console.log(h);
await browser.close();
