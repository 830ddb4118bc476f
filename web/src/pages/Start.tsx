import { lazy, Suspense, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Empty, Radio, Result, Skeleton, Typography  } from 'antd';
import { Section } from '../components/Section';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ErrorSchema } from '@rjsf/utils';
import { api, ApiError, ok } from '../api/client';
import { useSession } from '../session';
import { useDefinitions } from '../lib/queries';
import { toErrorSchema } from '../lib/forms';
import { problemText } from '../lib/errors';
import { DueBadge, MethodName, useLocalize, useRoleName } from '../components/bits';

const SchemaForm = lazy(() => import('../components/SchemaForm'));

export default function StartPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const roleName = useRoleName();
  const localize = useLocalize();
  const queryClient = useQueryClient();
  const definitions = useDefinitions();
  const [choice, setChoice] = useState<string | null>(null);
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();

  // (method, unit) pairs I may start: the method's start roles that I hold in that unit
  const options = useMemo(() => {
    const out: { key: string; version: number; unit: string; value: string }[] = [];
    for (const definition of definitions.data ?? []) {
      for (const membership of me?.memberships ?? []) {
        if (definition.start_roles.includes(membership.role) && !out.some((o) => o.key === definition.key && o.unit === membership.unit)) {
          out.push({ key: definition.key, version: definition.version, unit: membership.unit, value: `${definition.key}|${membership.unit}` });
        }
      }
    }
    return out;
  }, [definitions.data, me]);
  const selected = options.find((o) => o.value === choice) ?? (options.length === 1 ? options[0] : undefined);

  const version = useQuery({
    queryKey: ['definition', selected?.key, selected?.version],
    queryFn: () => ok(api.GET('/api/definitions/{key}/versions/{version}', {
      params: { path: { key: selected!.key, version: selected!.version } } })),
    enabled: !!selected,
    staleTime: 600_000,
    retry: false, // participants may not read a definition's content (403): the title alone starts a case
  });
  const startForm = version.data?.start_form ? (version.data.forms as Record<string, unknown>)[version.data.start_form] : null;

  const start = useMutation({
    mutationFn: () => ok(api.POST('/api/cases', { body: {
      definition: selected!.key, unit: selected!.unit, data: formData,
      title: typeof formData.title === 'string' ? formData.title : undefined,
    } })),
    onMutate: () => setExtraErrors(undefined),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 422) setExtraErrors(toErrorSchema(error.problem.errors));
    },
  });

  if (start.data) {
    const started = start.data;
    return (
      <div className="page">
        <Result
          status="success"
          title={t('start.started')}
          subTitle={<>{started.title} · <strong className="reference">{started.reference}</strong></>}
          extra={[
            <Link key="case" to={`/case/${encodeURIComponent(started.reference)}`}><Button type="primary">{t('task.openCase')}</Button></Link>,
            <Button key="again" onClick={() => { start.reset(); setFormData({}); }}>{t('start.another')}</Button>,
          ]}
        >
          <Typography.Title level={4}>{t('start.firstStep')}</Typography.Title>
          <ul className="next-steps">
            {(started.open_tasks ?? []).map((step) => (
              <li key={step.task_id}>
                <strong>{localize(step.name)}</strong> — {t('task.heldBy', { role: roleName(step.role), unit: step.unit })}
                {step.due_at && <> · <DueBadge dueAt={step.due_at} /></>}
              </li>
            ))}
          </ul>
        </Result>
      </div>
    );
  }

  const problem = start.error ? problemText(start.error, t) : null;
  return (
    <div className="page">
      <Typography.Title level={2}>{t('start.title')}</Typography.Title>
      {definitions.isLoading && <Skeleton active />}
      {definitions.data && options.length === 0 && <Empty description={t('start.none')} />}
      {options.length > 0 && (
        <Section title={t('start.choose')}>
          <Radio.Group value={selected?.value} onChange={(e) => { setChoice(e.target.value); setFormData({}); setExtraErrors(undefined); }}
            className="method-choice" aria-label={t('start.choose')}>
            {options.map((o) => (
              <Radio key={o.value} value={o.value} className="method-option">
                <strong><MethodName code={o.key} /></strong> <span className="muted">· {o.unit}</span>
              </Radio>
            ))}
          </Radio.Group>
        </Section>
      )}
      {selected && (
        <Section title={t('start.form')}>
          {problem && <Alert type="error" showIcon role="alert" className="form-alert" message={problem.message}
            description={extraErrors ? t('task.fixFields') : problem.detail} />}
          {version.isLoading && <Skeleton active />}
          {(version.data || version.error) && (
            <Suspense fallback={<Skeleton active />}>
              <SchemaForm schema={startForm ?? { type: 'object', properties: { title: { type: 'string', title: t('start.caseTitle') } } }}
                formData={formData} onChange={setFormData} extraErrors={extraErrors} disabled={start.isPending} />
            </Suspense>
          )}
          <Button type="primary" size="large" block className="submit-button" loading={start.isPending} onClick={() => start.mutate()}>
            {t('start.submit')}
          </Button>
        </Section>
      )}
    </div>
  );
}
