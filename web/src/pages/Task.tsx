import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Markdown } from '../lib/markdown';
import { Alert, Button, Skeleton, Space, Tag } from 'antd';
import { Section } from '../components/Section';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ErrorSchema } from '@rjsf/utils';
import { api, ApiError, ok } from '../api/client';
import type { Completed } from '../api/types';
import { useSession } from '../session';
import { DueBadge, MethodName, NextSteps, StatusTag, useLocalize, useRoleName, Outcome, useUnitName } from '../components/bits';
import { FieldsView } from '../components/ContextView';
import { toErrorSchema } from '../lib/forms';
import { emptyOpinion, opinionBody, type OpinionValue } from '../lib/opinion';
import { problemText } from '../lib/errors';

// hand-over, requests and send-back (with the banner of a step sent back) load beside the page (participant budget)
const TaskActions = lazy(() => import('../components/TaskActions'));

const SchemaForm = lazy(() => import('../components/SchemaForm'));
// the opinion, photos and signature pad, and a multi-person step's progress: below the form, loaded beside it
const OpinionPanel = lazy(() => import('../components/OpinionPanel'));
const MultiSignProgress = lazy(() => import('../components/MultiSignProgress'));

/** After submitting: what happened next (the next steps and who holds them). */
function Submitted({ outcome }: { outcome: Completed }) {
  const { t } = useTranslation();
  const steps = outcome.open_tasks ?? [];
  return (
    <Outcome
      status="success"
      title={t('task.submitted')}
      subTitle={<>{outcome.title} · {outcome.reference} · <StatusTag status={outcome.status} /></>}
      extra={[
        <Link key="inbox" to="/inbox"><Button type="primary">{t('task.backToInbox')}</Button></Link>,
        <Link key="case" to={`/case/${encodeURIComponent(outcome.reference)}`}><Button>{t('task.openCase')}</Button></Link>,
      ]}
    >
      <h4>{t('task.whatNext')}</h4>
      {steps.length === 0 ? (
        <p>{outcome.status === 'completed' ? t('task.caseFinished') : t(`next.${outcome.status}`, { defaultValue: t('task.noOpenStep') })}</p>
      ) : (
        <NextSteps steps={steps} />
      )}
    </Outcome>
  );
}

export default function TaskPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { me } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const roleName = useRoleName();
  const unitName = useUnitName();
  const localize = useLocalize();
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [outcome, setOutcome] = useState<Completed | null>(null);
  const [opinion, setOpinion] = useState<OpinionValue>(emptyOpinion);
  const [opinionError, setOpinionError] = useState<string | undefined>();

  const upload = useCallback(async (file: File) => {
    const added = await ok(api.POST('/api/tasks/{task_id}/attachments', {
      params: { path: { task_id: id } },
      body: { file: file as unknown as string },
      bodySerializer: () => {
        const body = new FormData();
        body.append('file', file, file.name);
        return body;
      },
    }));
    return { sha256: added.sha256, name: added.file_name, size: added.size, media_type: added.media_type };
  }, [id]);

  const task = useQuery({
    queryKey: ['task', id],
    queryFn: () => ok(api.GET('/api/tasks/{task_id}', { params: { path: { task_id: id } } })),
    enabled: !outcome,
  });

  useEffect(() => {
    if (task.data?.initial_data) setFormData((current) => ({ ...(task.data.initial_data as Record<string, unknown>), ...current }));
  }, [task.data]);

  const claim = useMutation({
    mutationFn: (release: boolean) => ok(release
      ? api.POST('/api/tasks/{task_id}/unclaim', { params: { path: { task_id: id } } })
      : api.POST('/api/tasks/{task_id}/claim', { params: { path: { task_id: id } } })),
    onSuccess: (data) => {
      // the answer is the task without its form: keep the form, take the new claim
      queryClient.setQueryData(['task', id], (old: object | undefined) => ({ ...old, ...data }));
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
    },
  });

  const complete = useMutation({
    mutationFn: () => ok(api.POST('/api/tasks/{task_id}/complete', {
      params: { path: { task_id: id } }, body: { data: formData, opinion: opinionBody(opinion) },
    })),
    onMutate: () => { setExtraErrors(undefined); setOpinionError(undefined); },
    onSuccess: (data) => {
      setOutcome(data);
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      void queryClient.invalidateQueries({ queryKey: ['case'] });
      window.scrollTo({ top: 0 });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 422) {
        const all = error.problem.errors ?? [];
        const aboutOpinion = all.filter((e) => e.path.startsWith('opinion'));
        setOpinionError(aboutOpinion.map((e) => e.message).join('；') || undefined);
        setExtraErrors(toErrorSchema(all.filter((e) => !e.path.startsWith('opinion'))));
        requestAnimationFrame(() => document.querySelector<HTMLElement>('.schema-form .ant-form-item-has-error input, .schema-form .ant-form-item-has-error textarea, .schema-form .has-error')?.focus());
      }
    },
  });

  if (outcome) return <div className="page"><Submitted outcome={outcome} /></div>;
  if (task.isLoading) return <div className="page"><Skeleton active /></div>;
  const failure = task.error ?? (complete.error instanceof ApiError && complete.error.status === 409 ? complete.error : null);
  if (failure) {
    const conflict = failure instanceof ApiError && failure.status === 409;
    const { message, detail } = problemText(failure, t);
    return (
      <div className="page">
        <Outcome
          status={conflict ? 'info' : 'warning'}
          title={conflict ? t('task.conflictTitle') : message}
          subTitle={conflict ? t('task.conflictHelp') : detail}
          extra={<Button type="primary" onClick={() => navigate('/inbox')}>{t('task.backToInbox')}</Button>}
        />
      </div>
    );
  }
  if (!task.data) return null;
  const data = task.data;
  const mine = data.claimed_by === me?.user;
  const othersClaim = !!data.claimed_by && !mine;
  // a refusal that is only about the opinion or the signature is shown there, beside the signature pad
  const onlyOpinion = !!opinionError && !Object.keys(extraErrors ?? {}).length;
  const submitProblem = complete.error && !(complete.error instanceof ApiError && complete.error.status === 409)
    ? problemText(complete.error, t) : null;

  return (
    <div className="page task-page">
      <Link to="/inbox" className="back-link">← {t('task.backToInbox')}</Link>
      <h2 className="task-title">{localize(data.name)}</h2>
      <p className="task-case-line">
        <Link to={`/case/${encodeURIComponent(data.reference ?? '')}`}>{data.title}</Link>
        <span className="muted"> · {data.reference} · <MethodName code={data.definition_key ?? data.process_key} /></span>
      </p>
      <Suspense fallback={null}><TaskActions taskId={id} place="top" /></Suspense>
      <Space wrap className="task-tags">
        <DueBadge dueAt={data.due_at} overdue={data.overdue} daysLeft={data.days_left} />
        <Tag>{roleName(data.role)}</Tag>
        <Tag>{unitName(data.unit)}</Tag>
      </Space>

      {data.instructions && (
        <Section title={t('task.instructions')}>
          <div className="instructions"><Markdown options={{ disableParsingRawHTML: true }}>{data.instructions}</Markdown></div>
        </Section>
      )}
      {data.context && data.context.length > 0 && (
        <Section title={t('task.context')}>
          <FieldsView fields={data.context} />
        </Section>
      )}

      {data.multi_sign && (
        <Section title={t('task.multiSign')}>
          <Suspense fallback={<Skeleton active />}><MultiSignProgress progress={data.multi_sign} /></Suspense>
        </Section>
      )}

      <Section title={t('task.claimTitle')}>
        {othersClaim && <Alert type="warning" showIcon message={t('task.claimedByOther', { user: data.claimed_by })} />}
        {!data.claimed_by && <p>{t('task.claimHelp')}</p>}
        {mine && <p>{t('task.claimedByMe')}</p>}
        {!othersClaim && (
          <Button onClick={() => claim.mutate(mine)} loading={claim.isPending}>
            {mine ? t('task.release') : t('task.claim')}
          </Button>
        )}
        {claim.error && <Alert type="error" showIcon message={problemText(claim.error, t).message} description={problemText(claim.error, t).detail} />}
      </Section>

      <Section title={t('task.form')}>
        {submitProblem && !onlyOpinion && (
          <Alert type="error" showIcon className="form-alert" role="alert" message={submitProblem.message}
            description={extraErrors ? t('task.fixFields') : submitProblem.detail} />
        )}
        {data.form_schema ? (
          <Suspense fallback={<Skeleton active />}>
            <SchemaForm schema={data.form_schema} uiSchema={data.ui_schema} formData={formData} onChange={setFormData}
              extraErrors={extraErrors} disabled={othersClaim || complete.isPending} upload={upload} />
          </Suspense>
        ) : (
          <p>{t('task.noForm')}</p>
        )}
      </Section>

      <Section title={t('task.opinion')}>
        <Suspense fallback={<Skeleton active />}>
          <OpinionPanel unit={data.unit} signature={data.signature} upload={upload} value={opinion}
            onChange={(next) => { setOpinion(next); setOpinionError(undefined); }}
            disabled={othersClaim || complete.isPending} error={opinionError} />
        </Suspense>
        <Button type="primary" size="large" block className="submit-button" onClick={() => complete.mutate()}
          loading={complete.isPending} disabled={othersClaim}>
          {t('task.submit')}
        </Button>
      </Section>
      <Suspense fallback={null}><TaskActions taskId={id} place="bottom" /></Suspense>
    </div>
  );
}
