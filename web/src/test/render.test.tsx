import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { blocks, Markdown } from '../lib/markdown';
import { localizeQuoted } from '../lib/labels';
import i18n from '../i18n';
import { FieldsView } from '../components/ContextView';
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

describe('submitted and computed values as the server titles and labels them', () => {
  const fields = [
    { name: 'category', title: '议题类别', value: '改造类' },
    { name: 'proposer', title: '提议人', value: { name: '王阿姨', phone: '13800000000' } },
    { name: 'description', title: '事项说明', value: '3号楼 Building 3 的电梯' },
    { name: 'unsatisfied_flagged', title: 'unsatisfied_flagged', value: false },
    { name: 'odd_name', title: 'odd_name', value: 2 },
  ];

  it('shows the server\'s titles and values, the app\'s word only where the server has no title', async () => {
    await i18n.changeLanguage('zh-CN');
    const { container } = render(<FieldsView fields={fields} />);
    const rows = [...container.querySelectorAll('tr')].map((tr) => tr.textContent);
    expect(rows).toEqual(['议题类别改造类', '提议人姓名：王阿姨；电话：13800000000', '事项说明3号楼 Building 3 的电梯',
      '被评为不满意否', 'odd_name2']);
  });

  it('joins nested values the English way in English', async () => {
    await i18n.changeLanguage('en');
    const { container } = render(<FieldsView fields={[{ name: 'proposer', title: 'Proposer', value: { name: 'Wang', phone: '1' } },
      { name: 'channels', title: 'Channels', value: ['Notice board', 'WeChat group'] }]} />);
    expect([...container.querySelectorAll('tr')].map((tr) => tr.textContent)).toEqual(['ProposerName: Wang; Phone: 1',
      'ChannelsNotice board, WeChat group']);
    await i18n.changeLanguage('zh-CN');
  });
});
