// A small Markdown renderer for the instructions of a step and the descriptions of form fields: paragraphs,
// headings, bullet and numbered lists, **bold**, *italic*, `code` and [links](https://…). It never renders raw
// HTML (everything is a React text node), and it replaces markdown-to-jsx (about 25 KB gzipped, twice: once
// here and once inside @rjsf/core, which vite.config.ts points at this module).
import { Fragment, type ReactNode } from 'react';

const INLINE = /(\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;

function safeHref(href: string): string | undefined {
  return /^(https?:|mailto:|\/|#)/i.test(href) ? href : undefined;
}

export function inline(text: string, key = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const match of text.matchAll(INLINE)) {
    const token = match[0];
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const k = `${key}-${n++}`;
    if (token.startsWith('**') || token.startsWith('__')) out.push(<strong key={k}>{inline(token.slice(2, -2), k)}</strong>);
    else if (token.startsWith('`')) out.push(<code key={k}>{token.slice(1, -1)}</code>);
    else if (token.startsWith('[')) {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token) ?? [];
      out.push(<a key={k} href={safeHref(href ?? '')} rel="noreferrer">{inline(label ?? '', k)}</a>);
    } else out.push(<em key={k}>{inline(token.slice(1, -1), k)}</em>);
    last = at + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

type Block = { kind: 'p' | 'ul' | 'ol' | 'h'; level?: number; lines: string[] };

export function blocks(source: string): Block[] {
  const out: Block[] = [];
  let current: Block | null = null;
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)、]\s*(.*)$/.exec(line);
    if (!line) { current = null; continue; }
    if (heading) { out.push({ kind: 'h', level: heading[1].length, lines: [heading[2]] }); current = null; continue; }
    const kind = bullet ? 'ul' : numbered ? 'ol' : 'p';
    const text = bullet ? bullet[1] : numbered ? numbered[1] : line;
    if (current && current.kind === kind) current.lines.push(text);
    else if (current && kind === 'p' && current.kind !== 'p') current.lines[current.lines.length - 1] += ` ${text}`;
    else { current = { kind, lines: [text] }; out.push(current); }
  }
  return out;
}

export function Markdown({ children, options: _options, ...rest }: { children?: ReactNode; options?: unknown; [attr: string]: unknown }) {
  if (typeof children !== 'string') return <>{children}</>;
  const headingTag = (level: number) => (`h${Math.min(6, level + 2)}`) as 'h3' | 'h4' | 'h5' | 'h6';
  return (
    <div className="markdown" {...(rest as object)}>
      {blocks(children).map((block, i) => {
        const key = `b${i}`;
        if (block.kind === 'h') { const Tag = headingTag(block.level ?? 1); return <Tag key={key}>{inline(block.lines[0], key)}</Tag>; }
        if (block.kind === 'p') {
          return <p key={key}>{block.lines.map((line, j) => <Fragment key={j}>{j > 0 && <br />}{inline(line, `${key}-${j}`)}</Fragment>)}</p>;
        }
        const List = block.kind;
        return <List key={key}>{block.lines.map((line, j) => <li key={j}>{inline(line, `${key}-${j}`)}</li>)}</List>;
      })}
    </div>
  );
}

export default Markdown;
