// codemirror-json-schema renders its messages and the schema's descriptions as Markdown with markdown-it and shiki
// (a code highlighter with its own grammars and themes, several hundred KB). The studio's schemas say plain
// things, so this stand-in escapes the text and shows `code` as code (see vite.config.ts).
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function renderMarkdown(markdown: string): string {
  const escaped = String(markdown ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
  return escaped.replace(/`([^`]+)`/g, '<code>$1</code>');
}
