/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// `npm run dev` proxies /api to a server started with `make run` (or YISHI_API).
// codemirror-json-schema (the studio's form editor) renders Markdown with markdown-it and shiki: a plain stand-in.
const plainMarkdown = {
  name: 'json-schema-plain-markdown',
  enforce: 'pre' as const,
  resolveId(source: string, importer?: string) {
    if (importer?.includes('codemirror-json-schema') && /\/utils\/markdown(\.js)?$/.test(source)) return here('src/shims/json-schema-markdown.ts');
    return null;
  },
};

export default defineConfig({
  plugins: [react(), plainMarkdown],
  resolve: {
    // Smaller stand-ins for two libraries @rjsf pulls in (see docs/ARCHITECTURE.md, the web app's budget).
    alias: [
      { find: /^markdown-to-jsx(\/react)?$/, replacement: here('src/lib/markdown.tsx') },
      { find: /^fast-uri$/, replacement: here('src/shims/fast-uri.ts') },
    ],
  },
  server: {
    proxy: { '/api': process.env.YISHI_API || 'http://127.0.0.1:8000' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true, // dist/.vite/manifest.json: scripts/bundle-size.mjs follows it to the chunks each page loads
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    env: { TZ: 'UTC' },
    setupFiles: ['src/test-setup.ts'],
    pool: 'threads',
    poolOptions: { threads: { maxThreads: 1, minThreads: 1 } },
    css: false,
    // its ESM build imports without file extensions, which only a bundler resolves
    server: { deps: { inline: ['codemirror-json-schema'] } },
  },
});
