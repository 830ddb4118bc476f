import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Empty, Radio, Skeleton } from 'antd';
import { Section } from '../components/Section';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ErrorSchema } from '@rjsf/utils';
import { api, ApiError, ok } from '../api/client';
import { useMethods } from '../lib/queries';
import { toErrorSchema } from '../lib/forms';
import { attachmentRef, fileBody } from '../lib/upload';
import { problemText } from '../lib/errors';
import { NextSteps, useUnitName, Outcome } from '../components/bits';

const SchemaForm = lazy(() => import('../components/SchemaForm'));

export default function StartPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const methods = useMethods();
  const unitName = useUnitName();
  const [choice, setChoice] = useState<string | null>(null);
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();

  // a start form's files are uploaded before the case exists: kept for me until the case I start claims them
  const upload = useCallback(async (file: File) => attachmentRef(await ok(api.POST('/api/attachments', fileBody(file)))), []);

  // (method, unit) pairs I may start, as the server lists them
  const options = useMemo(() => (methods.data ?? []).flatMap((method) => method.can_start_in.map((unit) => ({
    key: method.key, name: method.name, unit, value: `${method.key}|${unit}`,
  }))), [methods.data]);
  const selected = options.find((o) => o.value === choice) ?? (options.length === 1 ? options[0] : undefined);

  const form = useQuery({
    queryKey: ['start-form', selected?.key, selected?.unit],
    queryFn: () => ok(api.GET('/api/methods/{key}/start-form', {
      params: { path: { key: selected!.key }, query: { unit: selected!.unit } } })),
    enabled: !!selected,
    staleTime: 600_000,
  });
  useEffect(() => {
    if (form.data?.initial_data) setFormData((current) => ({ ...(form.data.initial_data as Record<string, unknown>), ...current }));
  }, [form.data]);

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
        <Outcome
          status="success"
          title={t('start.started')}
          subTitle={<>{started.title} · <strong className="reference">{started.reference}</strong></>}
          extra={[
            <Link key="case" to={`/case/${encodeURIComponent(started.reference)}`}><Button type="primary">{t('task.openCase')}</Button></Link>,
            <Button key="again" onClick={() => { start.reset(); setFormData({}); }}>{t('start.another')}</Button>,
          ]}
        >
          <h4>{t('start.firstStep')}</h4>
          <NextSteps steps={started.open_tasks ?? []} />
        </Outcome>
      </div>
    );
  }

  const problem = start.error ? problemText(start.error, t) : null;
  return (
    <div className="page">
      <h2>{t('start.title')}</h2>
      {methods.isLoading && <Skeleton active />}
      {methods.error && <Alert type="error" showIcon message={t('error.load')} />}
      {methods.data && options.length === 0 && <Empty description={t('start.none')} />}
      {options.length > 0 && (
        <Section title={t('start.choose')}>
          <Radio.Group value={selected?.value} onChange={(e) => { setChoice(e.target.value); setFormData({}); setExtraErrors(undefined); }}
            className="method-choice" aria-label={t('start.choose')}>
            {options.map((o) => (
              <Radio key={o.value} value={o.value} className="method-option">
                <strong>{o.name}</strong> <span className="muted">· {unitName(o.unit)}</span>
              </Radio>
            ))}
          </Radio.Group>
        </Section>
      )}
      {selected && (
        <Section title={t('start.form')}>
          {problem && <Alert type="error" showIcon role="alert" className="form-alert" message={problem.message}
            description={extraErrors ? t('task.fixFields') : problem.detail} />}
          {form.isLoading && <Skeleton active />}
          {form.error && <Alert type="error" showIcon message={problemText(form.error, t).message} />}
          {form.data && (
            <Suspense fallback={<Skeleton active />}>
              <SchemaForm schema={form.data.form_schema ?? { type: 'object', required: ['title'], properties: { title: { type: 'string', title: t('start.caseTitle') } } }}
                uiSchema={form.data.ui_schema} formData={formData} onChange={setFormData} extraErrors={extraErrors} disabled={start.isPending} upload={upload} />
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
