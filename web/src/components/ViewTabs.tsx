import '../i18n/actions';
import { useMemo } from 'react';
import { NavLink } from 'react-router-dom';
import { useViewFilters } from '../lib/viewFilters';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { useSession } from '../session';
import { useDefinitions } from '../lib/queries';
import { NativeSelect } from './NativeSelect';
import { useUnitName } from './bits';

export { useViewFilters } from '../lib/viewFilters';

const VIEWS = [
  { to: '/inbox', key: 'todo' },
  { to: '/done', key: 'done' },
  { to: '/mine', key: 'started' },
  { to: '/copied', key: 'copied' },
] as const;

/** 待办 · 已办 · 我发起的 · 抄送我的: the four views with their counts under the same filters, and the filters. */
export function ViewTabs() {
  const { t } = useTranslation();
  const { me } = useSession();
  const unitName = useUnitName();
  const [filters, setFilter] = useViewFilters();
  const definitions = useDefinitions();
  const counts = useQuery({
    queryKey: ['views', 'counts', filters],
    queryFn: () => ok(api.GET('/api/views/counts', { params: { query: filters } })),
    refetchInterval: 60_000,
  });
  const units = useMemo(() => [...new Set((me?.memberships ?? []).map((m) => m.unit))], [me]);
  const methods = (definitions.data ?? []).filter((d) => d.start_roles.length > 0);
  const kept = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]).toString();
  const query = kept ? `?${kept}` : '';
  const count = (key: typeof VIEWS[number]['key']) => {
    const c = counts.data;
    if (!c) return null;
    if (key === 'todo') return c.todo + c.requests;
    return c[key];
  };
  return (
    <div className="views">
      <nav className="view-tabs" aria-label={t('views.label')}>
        {VIEWS.map((view) => {
          const n = count(view.key);
          const unread = view.key === 'copied' ? counts.data?.copied_unread ?? 0 : 0;
          return (
            <NavLink key={view.to} to={`${view.to}${query}`} className="view-tab">
              <span>{t(`views.${view.key}`)}</span>
              {n !== null && <span className={unread > 0 ? 'view-count unread' : 'view-count'}
                aria-label={unread > 0 ? t('views.countUnread', { count: n, unread }) : t('views.count', { count: n })}>{n}</span>}
            </NavLink>
          );
        })}
      </nav>
      <div className="filters" role="group" aria-label={t('inbox.filters')}>
        <NativeSelect label={t('inbox.method')} value={filters.method} onChange={(v) => setFilter('method', v)}
          empty={t('inbox.allMethods')} options={methods.map((d) => ({ value: d.key, label: t(`method.${d.key}`, { defaultValue: d.key }) }))} />
        <NativeSelect label={t('inbox.unit')} value={filters.unit} onChange={(v) => setFilter('unit', v)}
          empty={t('inbox.allUnits')} options={units.map((u) => ({ value: u, label: unitName(u) }))} />
        <label className="native-select search-field">
          <span>{t('views.search')}</span>
          <input type="search" enterKeyHint="search" defaultValue={filters.q ?? ''} placeholder={t('views.searchHint')}
            onKeyDown={(e) => { if (e.key === 'Enter') setFilter('q', (e.target as HTMLInputElement).value.trim() || undefined); }}
            onBlur={(e) => setFilter('q', e.target.value.trim() || undefined)} />
        </label>
      </div>
    </div>
  );
}
