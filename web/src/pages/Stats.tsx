import { lazy, Suspense, useEffect, useId, useMemo, useState } from 'react';
import { Alert, Button, Card, Col, Row, Skeleton, Statistic } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api, ok } from '../api/client';
import type { Stats } from '../api/types';
import { NativeSelect } from '../components/NativeSelect';
import { Section } from '../components/Section';
import { problemText } from '../lib/errors';

const BarChart = lazy(() => import('../components/BarChart'));

type Query = { unit?: string; method?: string; from?: string; to?: string };
type Figures = Stats['totals'];

function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

function DateInput({ label, value, onChange }: { label: string; value: string; onChange(value: string): void }) {
  const id = useId();
  return (
    <span className="native-select">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="date" value={value} min="2000-01-01" max="2099-12-31" onChange={(e) => onChange(e.target.value)} />
    </span>
  );
}

/** The rows a chart compares: the top rows when there are several, else the rows one level below. */
function chartRows(units: Stats['units']) {
  const top = units.filter((u) => u.depth === 0);
  if (top.length !== 1) return top;
  const below = units.filter((u) => u.depth === 1);
  return below.length ? below : top;
}

async function downloadCsv(query: Query) {
  const { data, error, response } = await api.GET('/api/stats.csv', { params: { query }, parseAs: 'blob' });
  if (error || !data) throw new Error(`HTTP ${response.status}`);
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'yishi-stats.csv';
  const url = URL.createObjectURL(data as Blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

function FigureCards({ figures }: { figures: Figures }) {
  const { t } = useTranslation();
  return (
    <Row gutter={[12, 12]} className="task-section">
      <Col xs={12} md={6}><Card size="small"><Statistic title={t('stats.started')} value={figures.started} /></Card></Col>
      <Col xs={12} md={6}><Card size="small"><Statistic title={t('stats.finished')} value={figures.finished} /></Card></Col>
      <Col xs={12} md={6}><Card size="small"><Statistic title={t('stats.overdueRate')} value={percent(figures.overdue_rate)} /></Card></Col>
      <Col xs={12} md={6}><Card size="small"><Statistic title={t('stats.openOverdue')} value={figures.open_overdue} /></Card></Col>
    </Row>
  );
}

// Statistics for the street (街道统计): figures per unit rolled up the unit tree and per method over a period,
// with charts, tables and a CSV export for reporting upward.
export default function StatsPage() {
  const { t } = useTranslation();
  const [query, setQuery] = useState<Query>({ from: `${dayjs().year()}-01-01`, to: dayjs().format('YYYY-MM-DD') });
  const [scope, setScope] = useState<{ units: Stats['units']; methods: Stats['methods'] } | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const stats = useQuery({
    queryKey: ['stats', query],
    queryFn: () => ok(api.GET('/api/stats', { params: { query } })),
  });
  useEffect(() => {  // the choices of the filters: what the whole scope shows, before narrowing
    if (stats.data && !query.unit && !query.method) setScope({ units: stats.data.units, methods: stats.data.methods });
  }, [stats.data, query.unit, query.method]);

  const data = stats.data;
  const rows = useMemo(() => (data ? chartRows(data.units) : []), [data]);
  const unitLabels = useMemo(() => rows.map((u) => u.name), [rows]);
  const unitSeries = useMemo(() => [
    { label: t('stats.started'), values: rows.map((u) => u.figures.started), color: '#1447a6' },
    { label: t('stats.finished'), values: rows.map((u) => u.figures.finished), color: '#2e7d32' },
    { label: t('stats.openOverdue'), values: rows.map((u) => u.figures.open_overdue), color: '#b7312c' },
  ], [rows, t]);
  const set = (change: Query) => setQuery((q) => ({ ...q, ...change }));

  return (
    <div className="page wide">
      <h2>{t('stats.title')}</h2>
      <p className="muted">{t('stats.help')}</p>
      <div className="filters stats-filters">
        <NativeSelect label={t('stats.unit')} value={query.unit} onChange={(unit) => set({ unit })} empty={t('stats.allUnits')}
          options={(scope?.units ?? []).map((u) => ({ value: u.code, label: `${'　'.repeat(u.depth)}${u.name}` }))} />
        <NativeSelect label={t('stats.method')} value={query.method} onChange={(method) => set({ method })} empty={t('stats.allMethods')}
          options={(scope?.methods ?? []).map((m) => ({ value: m.method, label: m.name }))} />
        <DateInput label={t('stats.from')} value={query.from ?? ''} onChange={(from) => set({ from: from || undefined })} />
        <DateInput label={t('stats.to')} value={query.to ?? ''} onChange={(to) => set({ to: to || undefined })} />
        <Button icon={<DownloadOutlined />} onClick={() => { setExportError(null); downloadCsv(query).catch(() => setExportError(t('stats.exportFailed'))); }}>
          {t('stats.export')}
        </Button>
      </div>
      {exportError && <Alert type="error" showIcon message={exportError} />}
      {stats.error && <Alert type="error" showIcon message={problemText(stats.error, t).message} description={problemText(stats.error, t).detail} />}
      {stats.isLoading && <Skeleton active />}
      {data && (
        <>
          <p className="muted">{t('stats.period', { from: data.from_date, to: data.to_date })}</p>
          <FigureCards figures={data.totals} />
          <Section title={t('stats.byUnit')}>
            {rows.length > 0 && (
              <Suspense fallback={<Skeleton active />}>
                <BarChart title={t('stats.byUnitChart')} labels={unitLabels} series={unitSeries} />
              </Suspense>
            )}
            <div className="table-scroll">
              <table className="plain-table stats-table">
                <thead>
                  <tr>
                    <th scope="col">{t('stats.unit')}</th><th scope="col">{t('stats.started')}</th><th scope="col">{t('stats.finished')}</th>
                    <th scope="col">{t('stats.cancelled')}</th><th scope="col">{t('stats.tasksCompleted')}</th>
                    <th scope="col">{t('stats.tasksLate')}</th><th scope="col">{t('stats.overdueRate')}</th><th scope="col">{t('stats.openOverdue')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.units.map((u) => (
                    <tr key={u.code}>
                      <th scope="row" style={{ paddingLeft: 8 + 20 * u.depth }}>{u.name}</th>
                      <td>{u.figures.started}</td><td>{u.figures.finished}</td><td>{u.figures.cancelled}</td>
                      <td>{u.figures.tasks_completed}</td><td>{u.figures.tasks_late} / {u.figures.tasks_with_due}</td>
                      <td>{percent(u.figures.overdue_rate)}</td><td>{u.figures.open_overdue}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Section>
          {data.methods.length === 0 && <p>{t('stats.none')}</p>}
          {data.methods.map((m) => (
            <Section key={m.method} title={m.name}>
              <p>
                {t('stats.methodLine', { started: m.figures.started, finished: m.figures.finished })}{' '}
                {m.median_days_to_finish !== null && t('stats.toFinish', { days: m.median_days_to_finish })}
              </p>
              {m.stages.length > 0 && (
                <Suspense fallback={<Skeleton active />}>
                  <BarChart horizontal title={t('stats.stageChart', { method: m.name })} height={60 + 36 * m.stages.length}
                    labels={m.stages.map((s) => s.name)}
                    series={[{ label: t('stats.medianDays'), values: m.stages.map((s) => s.median_days), color: '#1447a6' }]} />
                </Suspense>
              )}
              <div className="table-scroll">
                <table className="plain-table stats-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('stats.step')}</th><th scope="col">{t('stats.completed')}</th><th scope="col">{t('stats.medianDays')}</th>
                      <th scope="col">{t('stats.tasksLate')}</th><th scope="col">{t('stats.overdueRate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.stages.map((s) => (
                      <tr key={s.element_id}>
                        <th scope="row">{s.name}</th><td>{s.completed}</td><td>{s.median_days ?? '—'}</td>
                        <td>{s.tasks_late} / {s.tasks_with_due}</td><td>{percent(s.overdue_rate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {m.figures.by_end_event.length > 0 && (
                <>
                  <h4>{t('stats.ends')}</h4>
                  <ul className="stats-ends">
                    {m.figures.by_end_event.map((e) => <li key={`${e.method}/${e.end_event}`}>{e.name}：{e.count}</li>)}
                  </ul>
                </>
              )}
            </Section>
          ))}
          <p className="muted">{t('stats.definitions')}</p>
        </>
      )}
    </div>
  );
}
