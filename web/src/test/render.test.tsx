import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { blocks, Markdown } from '../lib/markdown';
import { localizeQuoted } from '../lib/labels';
import uri from '../shims/fast-uri';

describe('the small Markdown renderer', () => {
  it('renders paragraphs, lists, emphasis and safe links, never raw HTML', () => {
    const { container } = render(<Markdown>{'**登记建档**：把问题登记下来。\n\n- 先问清\n- 再记录 `A_UT`\n\n1. 一\n2. 二\n\n<img src=x onerror=alert(1)> [看](javascript:alert(1)) [政策](https://example.org/a)'}</Markdown>);
    expect(container.querySelector('strong')?.textContent).toBe('登记建档');
    expect(container.querySelectorAll('ul li')).toHaveLength(2);
    expect(container.querySelectorAll('ol li')).toHaveLength(2);
    expect(container.querySelector('code')?.textContent).toBe('A_UT');
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    const links = [...container.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([null, 'https://example.org/a']);
  });

  it('keeps consecutive lines of a paragraph as line breaks', () => {
    expect(blocks('一行\n二行')).toEqual([{ kind: 'p', lines: ['一行', '二行'] }]);
  });
});

describe('labels quoted in server messages', () => {
  it('shows the bilingual label inside 「」 in the user language', () => {
    expect(localizeQuoted('「分类处理 Triage」已到期', 'zh-CN')).toBe('「分类处理」已到期');
    expect(localizeQuoted("'分类处理 Triage' was due", 'en')).toBe("'Triage' was due");
  });
});

describe('the fast-uri stand-in', () => {
  it('resolves the local references the forms use', () => {
    expect(uri.resolve('', '#/$defs/panelist')).toBe('#/$defs/panelist');
    expect(uri.resolve('https://x.org/a.json', '#/$defs/p')).toBe('https://x.org/a.json#/$defs/p');
    expect(uri.equal('https://x.org/a.json', 'https://x.org/a.json')).toBe(true);
  });
});
