import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it } from 'vitest';
import i18n from '../i18n';
import { StandingInBanner } from '../components/StandingIn';
import type { StandInItem } from '../api/types';

function absence(over: Partial<StandInItem>): StandInItem {
  return { id: 1, user_id: 'zhangsan', user_name: '张三', stand_in: 'lisi', stand_in_name: '李四', valid_from: '2026-12-01',
    valid_to: '2026-12-05', reason: '外出培训', state: 'running', created_by: 'zhangsan', created_at: '2026-11-30T09:00:00+08:00',
    may_end: false, ...over };
}

function banner(items: StandInItem[], user = 'lisi') {
  return render(<MemoryRouter><StandingInBanner items={items} user={user} /></MemoryRouter>);
}

describe('the banner of a stand-in (代理中)', () => {
  afterEach(cleanup);

  it('tells the stand-in whose steps they hold and until which Beijing day, linking to the absence page', async () => {
    await i18n.changeLanguage('zh-CN');
    banner([absence({})]);
    expect(screen.getByRole('status').textContent).toContain('你正在代理 张三 的待办（至 12月5日）');
    expect(screen.getByRole('link', { name: '查看请假代理' }).getAttribute('href')).toBe('/settings/absence');
  });

  it('says it in English, with the year when the absence ends in another year', async () => {
    await i18n.changeLanguage('en');
    banner([absence({}), absence({ id: 2, user_id: 'wang', user_name: 'Wang Wu', valid_from: '2026-12-28', valid_to: '2027-01-03' })]);
    const text = screen.getByRole('status').textContent;
    expect(text).toContain('You are standing in for 张三 (until Dec 5)');
    expect(text).toContain('You are standing in for Wang Wu (until Jan 3, 2027)');
    await i18n.changeLanguage('zh-CN');
  });

  it('shows nothing for an absence not begun, nor to the absent person', async () => {
    await i18n.changeLanguage('zh-CN');
    const { container } = banner([absence({ state: 'planned' }), absence({ id: 3, user_id: 'lisi', stand_in: 'zhaoliu' })]);
    expect(container.textContent).toBe('');
  });
});
