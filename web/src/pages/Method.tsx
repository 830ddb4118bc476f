import { lazy, Suspense, useMemo } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Skeleton } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { Section } from '../components/Section';

const Diagram = lazy(() => import('../components/Diagram'));

// Where open cases pile up: the number of open steps waiting at each element of the method's diagram.
export default function MethodPage() {
  const { key = '' } = useParams();
  const { t } = useTranslation();
  const heat = useQuery({
    queryKey: ['heat', key],
    queryFn: () => ok(api.GET('/api/admin/methods/{key}/heat', { params: { path: { key } } })),
  });
  const counts = useMemo(() => {
    const out: Record<string, number> = {};
    for (const e of heat.data?.elements ?? []) out[e.element_id] = (out[e.element_id] ?? 0) + e.waiting;
    return out;
  }, [heat.data]);
  const main = heat.data ? (Object.keys(heat.data.bpmn).find((name) => name === `${key}.bpmn`) ?? Object.keys(heat.data.bpmn)[0]) : '';

  return (
    <div className="page wide">
      <Link to="/console/stuck">← {t('nav.stuck')}</Link>
      <h2>{heat.data?.name ?? t(`method.${key}`, { defaultValue: key })} · {t('method.heatTitle')}</h2>
      {heat.error && <Alert type="error" showIcon message={t('error.load')} />}
      {heat.isLoading && <Skeleton active />}
      {heat.data && (
        <>
          <p>{t('method.heatHelp', { count: heat.data.running_cases })}{' '}
            {heat.data.waiting_for_timer > 0 && t('method.heatTimers', { count: heat.data.waiting_for_timer })}</p>
          <Section title={t('case.diagram')}>
            <Suspense fallback={<Skeleton active />}>
              <Diagram files={heat.data.bpmn} main={main} counts={counts} />
            </Suspense>
          </Section>
          <Section title={t('method.heatTable')}>
            {heat.data.elements.length === 0 ? <p>{t('method.heatNone')}</p> : (
              <table className="plain-table">
                <thead><tr><th scope="col">{t('method.step')}</th><th scope="col">{t('method.waiting')}</th><th scope="col">{t('method.overdue')}</th></tr></thead>
                <tbody>
                  {heat.data.elements.map((e) => (
                    <tr key={`${e.process}/${e.element_id}`}><td>{e.name}</td><td>{e.waiting}</td><td>{e.overdue}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </>
      )}
    </div>
  );
}
