import { lazy, Suspense, useEffect, useMemo } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Descriptions, Skeleton, Space, Tag, Timeline } from 'antd';
import { Section } from '../components/Section';
import { PrinterOutlined, SafetyCertificateOutlined, WarningOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { CaseEvent } from '../api/types';
import { useCase } from '../lib/queries';
import { problemText } from '../lib/errors';
import { formatInstant } from '../lib/time';
import { DueBadge, MethodName, ProgressLine, StatusTag, useLocalize, useRoleName, Outcome, useUnitName } from '../components/bits';
import { type Field, FieldsView, fieldTitle, formatValue } from '../components/ContextView';
import { ForecastList } from '../components/Forecast';
import { SignatureImage } from '../components/SignatureImage';
import '../i18n/signing';
import CaseActions from '../components/CaseActions';
import { useSession } from '../session';
import { CaseActionsPanel } from '../components/CaseTaskActions';
import { Summary } from '../components/Summary';

const Diagram = lazy(() => import('../components/Diagram'));

const EVENT_COLORS: Record<string, string> = {
  case_started: 'blue', task_completed: 'green', timer_fired: 'orange', case_error: 'red', case_suspended: 'gray',
  case_cancelled: 'gray', task_reassigned: 'purple', case_completed: 'green', task_urged: 'red', task_returned: 'orange',
  task_withdrawn: 'orange', case_withdrawn: 'gray', task_transferred: 'purple', case_copied: 'cyan',
};

/** What an event says beyond a form (an administrator's reason, an error, the new holder: shown as written), then
 * the submitted or computed values as the server titled and labelled them. */
function EventData({ event, caseRef }: { event: CaseEvent; caseRef: string }) {
  const { t, i18n } = useTranslation();
  const data = (event.data ?? {}) as Record<string, unknown>;
  const opinion = data.opinion as { text?: string; signature?: { sha256: string } } | undefined;
  const fields = event.fields ?? [];
  const note = ['reason', 'note', 'answer', 'to', 'message', 'assignee', 'previous', 'due_at'].filter((k) => data[k] !== undefined && data[k] !== null && data[k] !== '');
  return (
    <>
      {note.length > 0 && (
        <div className="event-note">
          {note.map((k) => <span key={k}>{fieldTitle(k, undefined, t)}: {formatValue(data[k], t, i18n.language, true)}　</span>)}
        </div>
      )}
      {event.kind === 'task_completed' && opinion && (opinion.text || opinion.signature) && (
        <div className="event-opinion">
          {opinion.text && <div>{t('sign.opinion')}: {opinion.text}</div>}
          {opinion.signature && <SignatureImage caseRef={caseRef} sha256={opinion.signature.sha256} user={event.actor} />}
        </div>
      )}
      {event.kind === 'sign_recorded' && (
        <div className="event-note">
          <Tag color={data.decision === 'approve' ? 'green' : 'red'}>{t(`sign.${String(data.decision)}`)}</Tag>
          {data.rule ? <Tag>{t(`sign.rule.${String(data.rule)}`)}</Tag> : null}
          {t('sign.signed', { done: data.signs_done, total: data.signs_total })}
        </div>
      )}
      {fields.length > 0 && (
        <details className="event-data">
          <summary>{t('case.eventData', { count: fields.length })}</summary>
          <FieldsView fields={fields} />
        </details>
      )}
    </>
  );
}

/** The latest value of everything the process computed (the case's key figures), titled and labelled: the
 * computed events of the case file in order, a later value replacing an earlier one. */
function keyFigures(events: CaseEvent[] | undefined): Field[] {
  const figures = new Map<string, Field>();
  for (const e of events ?? []) {
    if (e.kind !== 'computed') continue;
    for (const field of e.fields ?? []) figures.set(field.name, field);
  }
  return [...figures.values()];
}

export default function CasePage() {
  const { ref = '' } = useParams();
  const { t } = useTranslation();
  const roleName = useRoleName();
  const localize = useLocalize();
  const unitName = useUnitName();
  const detail = useCase(ref);
  const { me } = useSession();
  const history = useQuery({
    queryKey: ['case', ref, 'history'],
    queryFn: () => ok(api.GET('/api/cases/{case}/history', { params: { path: { case: ref } } })),
  });
  const diagram = useQuery({
    queryKey: ['case', ref, 'diagram'],
    queryFn: () => ok(api.GET('/api/cases/{case}/diagram', { params: { path: { case: ref } } })),
    staleTime: 60_000,
  });
  useEffect(() => { // the paper dossier shows every event's data
    const open = () => document.querySelectorAll('details.event-data').forEach((d) => d.setAttribute('open', ''));
    window.addEventListener('beforeprint', open);
    return () => window.removeEventListener('beforeprint', open);
  }, []);
  const names = useMemo(() => {
    const map: Record<string, string> = {};
    for (const e of history.data?.events ?? []) {
      const data = (e.data ?? {}) as Record<string, unknown>;
      if (e.element_id && typeof data.name === 'string') map[e.element_id] = data.name;
    }
    return map;
  }, [history.data]);

  if (detail.isLoading) return <div className="page"><Skeleton active /></div>;
  if (detail.error || !detail.data) {
    const { message, detail: why } = problemText(detail.error, t);
    return <div className="page"><Outcome status="warning" title={message} subTitle={why}
      extra={<Link to="/mine"><Button type="primary">{t('nav.mine')}</Button></Link>} /></div>;
  }
  const c = detail.data;
  const steps = c.open_tasks ?? [];
  const figures = keyFigures(history.data?.events);
  const verified = history.data?.verified;

  return (
    <div className="page wide case-page">
      <div className="print-only print-header">{t('case.dossier')} · {c.reference}</div>
      <Space className="case-actions no-print" wrap>
        <Link to="/mine">← {t('nav.mine')}</Link>
        <Button icon={<PrinterOutlined />} onClick={() => window.print()}>{t('case.print')}</Button>
      </Space>
      <h2 className="case-title">{c.title}</h2>
      <p className="muted">{c.reference} · <MethodName code={c.definition_key} /> · {unitName(c.unit)} · {t('case.startedBy', { user: c.started_by, when: formatInstant(c.created_at) })}</p>
      <Summary lines={c.summary} />
      <Space wrap><StatusTag status={c.status} />{c.end_event && <Tag>{localize(names[c.end_event] ?? c.end_event)}</Tag>}</Space>
      <ProgressLine method={c.definition_key} steps={steps} status={c.status} since={c.last_progress_at} />
      {c.status === 'error' && <Alert type="error" showIcon message={t('case.errorAt', { element: c.error_element })} description={c.error_message} />}

      <Section title={t('case.openSteps')}>
        {steps.length === 0 ? <p>{c.status === 'completed' ? t('task.caseFinished') : t(`next.${c.status}`, { defaultValue: t('task.noOpenStep') })}</p> : (
          <ul className="next-steps">
            {steps.map((s) => (
              <li key={s.task_id}>
                <strong>{localize(s.name)}</strong> — {t('task.heldBy', { role: roleName(s.role), unit: unitName(s.unit) })}
                {s.claimed_by && <> · {t('task.claimedBy', { user: s.claimed_by })}</>} · <DueBadge dueAt={s.due_at} />
                {me && (s.assignee ? s.assignee === me.user : me.memberships.some((m) => m.unit === s.unit && m.role === s.role)) && (
                  <> · <Link to={`/task/${encodeURIComponent(s.task_id)}`} className="do-step">{t('caseActions.doStep')}</Link></>
                )}
              </li>
            ))}
          </ul>
        )}
        {c.next_timer_at && <p>{t('case.nextTimer', { when: formatInstant(c.next_timer_at) })}</p>}
      </Section>

      <CaseActions detail={c} />

      {!['completed', 'cancelled'].includes(c.status) && (
        <Section title={t('forecast.title')} className="no-print">
          <ForecastList caseRef={ref} />
        </Section>
      )}
      <CaseActionsPanel reference={c.reference} />

      {(c.links ?? []).length > 0 && (
        <Section title={t('links.title')}>
          <ul className="case-links">
            {(c.links ?? []).map((link) => (
              <li key={`${link.kind}-${link.reference}`}>
                {t(`links.${link.kind}`)}{' '}
                <Link to={`/case/${encodeURIComponent(link.reference)}`}>{link.reference}</Link>{' '}
                {link.title} <StatusTag status={link.status} />
              </li>
            ))}
          </ul>
        </Section>
      )}

      {figures.length > 0 && (
        <Section title={t('case.figures')}>
          <FieldsView fields={figures} />
        </Section>
      )}

      <Section title={t('case.diagram')} className="no-print">
        {diagram.isLoading && <Skeleton active />}
        {diagram.data && (
          <Suspense fallback={<Skeleton active />}>
            <Diagram files={diagram.data.bpmn as Record<string, string>} main={`${diagram.data.definition}.bpmn`}
              completed={diagram.data.completed} active={diagram.data.active} />
          </Suspense>
        )}
      </Section>

      <Section className="case-file"
        title={<Space>{t('case.file')}{history.data && (verified
          ? <Tag color="green" icon={<SafetyCertificateOutlined />} className="verify-tag">{t('case.verified', { count: history.data.events.length })}</Tag>
          : <Tag color="red" icon={<WarningOutlined />} className="verify-tag">{t('case.broken')}</Tag>)}</Space>}>
        {history.data && !verified && <Alert type="error" showIcon message={t('case.brokenHelp')}
          description={JSON.stringify(history.data.verification)} />}
        {history.isLoading && <Skeleton active />}
        <Timeline
          className="case-timeline"
          items={(history.data?.events ?? []).map((e) => ({
            key: e.seq,
            color: EVENT_COLORS[e.kind] ?? 'blue',
            children: (
              <div className="event">
                <div className="event-head">
                  <strong>{t(`event.${e.kind}`, { defaultValue: e.kind })}</strong>
                  {e.element_id && names[e.element_id] && <span> · {localize(names[e.element_id])}</span>}
                </div>
                <div className="muted event-meta">
                  {formatInstant(e.at)} · {e.actor === 'system' ? t('case.system') : e.actor} · #{e.seq}
                </div>
                <EventData event={e} caseRef={ref} />
              </div>
            ),
          }))}
        />
        <Descriptions size="small" column={1} className="print-only"
          items={[{ key: 'chain', label: t('case.chain'), children: verified ? t('case.verified', { count: history.data?.events.length ?? 0 }) : t('case.broken') }]} />
      </Section>
    </div>
  );
}
