import { lazy, Suspense, useMemo } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Card, Skeleton, Typography } from 'antd';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { useDefinitions } from '../lib/queries';
import { MethodName } from '../components/bits';

const Diagram = lazy(() => import('../components/Diagram'));

// Where open cases pile up: the number of open steps at each element of the method's diagram.
export default function MethodPage() {
  const { key = '' } = useParams();
  const { t } = useTranslation();
  const definitions = useDefinitions();
  const definition = definitions.data?.find((d) => d.key === key);
  const version = useQuery({
    queryKey: ['definition', key, definition?.version],
    queryFn: () => ok(api.GET('/api/definitions/{key}/versions/{version}', { params: { path: { key, version: definition!.version } } })),
    enabled: !!definition,
  });
  const cases = useQuery({
    queryKey: ['cases', { process: key }],
    queryFn: () => ok(api.GET('/api/cases', { params: { query: { process: key, limit: 500 } } })),
  });
  const active = (cases.data?.items ?? []).filter((c) => !['completed', 'cancelled'].includes(c.status));
  const details = useQueries({
    queries: active.map((c) => ({
      queryKey: ['case', c.reference],
      queryFn: () => ok(api.GET('/api/cases/{case}', { params: { path: { case: c.reference } } })),
    })),
  });
  const counts = useMemo(() => {
    const out: Record<string, number> = {};
    for (const d of details) for (const task of d.data?.open_tasks ?? []) out[task.element_id] = (out[task.element_id] ?? 0) + 1;
    return out;
  }, [details]);

  return (
    <div className="page wide">
      <Link to="/console/stuck">← {t('nav.stuck')}</Link>
      <Typography.Title level={2}><MethodName code={key} /> · {t('method.heatTitle')}</Typography.Title>
      <p>{t('method.heatHelp', { count: active.length })}</p>
      {(cases.error || version.error) && <Alert type="error" showIcon message={t('error.load')} />}
      <Card size="small">
        {(version.isLoading || cases.isLoading) && <Skeleton active />}
        {version.data && (
          <Suspense fallback={<Skeleton active />}>
            <Diagram files={version.data.bpmn as Record<string, string>} main={`${key}.bpmn`} counts={counts} />
          </Suspense>
        )}
      </Card>
    </div>
  );
}
