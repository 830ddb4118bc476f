// Small shared pieces: role names, due badges, case status, the plain-language progress line.
import type { ReactNode } from 'react';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { dueState, formatInstant } from '../lib/time';
import { useRoles, useUnits } from '../lib/queries';
import { localize } from '../lib/labels';
import { currentStage, METHOD_STAGES, type StepRef } from '../lib/stages';
import type { Completed } from '../api/types';

/** A role's name from the server's registry in the current language (the catalogue's name until it loads). */
export function useRoleName() {
  const { t, i18n } = useTranslation();
  const { data } = useRoles();
  return (code: string | null | undefined) => {
    if (!code) return '';
    const role = data?.find((r) => r.code === code);
    if (role) return i18n.language === 'en' ? role.en : role.zh;
    return t(`role.${code}`, { defaultValue: code });
  };
}

/** A community's or building's name (its code until the list loads, or for units one may not see). */
export function useUnitName() {
  const { data } = useUnits();
  return (code: string | null | undefined) => (code ? data?.find((u) => u.code === code)?.name ?? code : '');
}

export function UnitName({ code }: { code: string | null | undefined }) {
  return <>{useUnitName()(code)}</>;
}

export function useLocalize() {
  const { i18n } = useTranslation();
  return (label: string | null | undefined) => localize(label, i18n.language);
}

export function RoleName({ code }: { code: string | null | undefined }) {
  return <>{useRoleName()(code)}</>;
}

export function DueBadge({ dueAt, overdue, daysLeft }: { dueAt?: string | null; overdue?: boolean | null; daysLeft?: number | null }) {
  const { t } = useTranslation();
  const state = dueState(dueAt);
  if (state.kind === 'none') return <Tag className="due-badge">{t('due.none')}</Tag>;
  const when = formatInstant(dueAt);
  if (overdue || state.kind === 'overdue') {
    return <Tooltip title={when}><Tag color="red" className="due-badge due-overdue">{t('due.overdue')} · {when}</Tag></Tooltip>;
  }
  if (state.kind === 'today' || daysLeft === 0) {
    return <Tooltip title={when}><Tag color="orange" className="due-badge">{t('due.today')} · {when}</Tag></Tooltip>;
  }
  const days = daysLeft ?? (state.kind === 'left' ? state.days : 0);
  return <Tooltip title={when}><Tag color={days <= 2 ? 'gold' : 'blue'} className="due-badge">{t('due.daysLeft', { count: days })}</Tag></Tooltip>;
}

const STATUS_COLORS: Record<string, string> = {
  waiting_for_people: 'processing', waiting_for_timer: 'cyan', waiting_for_event: 'cyan', completed: 'success',
  suspended: 'warning', cancelled: 'default', error: 'error',
};

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLORS[status] ?? 'default'}>{t(`status.${status}`, { defaultValue: status })}</Tag>;
}

export function MethodName({ code }: { code: string }) {
  const { t } = useTranslation();
  return <>{t(`method.${code}`, { defaultValue: code })}</>;
}

export function ProgressLine({ method, steps, status, since, compact = false }: {
  method: string; steps: StepRef[]; status: string; since?: string | null; compact?: boolean;
}) {
  const { t } = useTranslation();
  const stages = METHOD_STAGES[method];
  if (!stages) return null;
  const done = status === 'completed';
  const index = done ? stages.length : currentStage(method, steps);
  const label = index >= 0 && index < stages.length ? t(`stage.${method}.${stages[index]}`) : '';
  return (
    <div className="progress-line">
      {label && (
        <p className="progress-now">
          {t('progress.now', { stage: label })}{since ? ` · ${t('progress.since', { when: formatInstant(since) })}` : ''}
        </p>
      )}
      {done && <p className="progress-now">{t('progress.finished')}</p>}
      <ol className={compact ? 'stage-line compact' : 'stage-line'} aria-label={t('progress.label')}>
        {stages.map((stage, i) => {
          const state = done || i < index ? 'done' : i === index ? (status === 'error' ? 'error' : 'current') : 'todo';
          return (
            <li key={stage} className={`stage stage-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              <span className="stage-name">{t(`stage.${method}.${stage}`)}</span>
              {state === 'done' && <span className="sr-only">（{t('progress.done')}）</span>}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

const OUTCOME_MARKS: Record<string, string> = { success: '✓', info: 'i', warning: '!', error: '×', '404': '?', '403': '!' };

/** The result of an action or a page that cannot be shown (antd's Result, without its illustrations). */
export function Outcome({ status = 'info', title, subTitle, extra, children }: {
  status?: string; title: ReactNode; subTitle?: ReactNode; extra?: ReactNode; children?: ReactNode;
}) {
  const tone = OUTCOME_MARKS[status] ? status : 'info';
  return (
    <section className={`outcome outcome-${tone}`} aria-live="polite">
      <span className="outcome-mark" aria-hidden>{OUTCOME_MARKS[tone]}</span>
      <h2 className="outcome-title">{title}</h2>
      {subTitle && <div className="outcome-sub">{subTitle}</div>}
      {children && <div className="outcome-body">{children}</div>}
      {extra && <div className="outcome-extra">{extra}</div>}
    </section>
  );
}

/** The open steps a case went on to, each with who holds it and its due badge (after starting or submitting). */
export function NextSteps({ steps }: { steps: Completed['open_tasks'] }) {
  const { t } = useTranslation();
  const roleName = useRoleName();
  const localizeName = useLocalize();
  const unitName = useUnitName();
  return (
    <ul className="next-steps">
      {steps.map((step) => (
        <li key={step.task_id}>
          <strong>{localizeName(step.name)}</strong> — {t('task.heldBy', { role: roleName(step.role), unit: unitName(step.unit) })}
          {step.due_at && <> · <DueBadge dueAt={step.due_at} /></>}
        </li>
      ))}
    </ul>
  );
}
