import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's chromium (no browser download) against the real server on a fresh database.
const port = Number(process.env.E2E_PORT || 8799);

export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
  // One server and one database for every file: the studio's walk-through deploys a second five_step version and
  // moves the running cases to it, so it runs after the participants' files (a project that depends on theirs).
  projects: [
    { name: 'participants', testIgnore: /studio\.spec\.ts/ },
    { name: 'studio', testMatch: /studio\.spec\.ts/, dependencies: ['participants'] },
  ],
  webServer: {
    command: `E2E_PORT=${port} sh e2e/server.sh`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
