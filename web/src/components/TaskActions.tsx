import '../i18n/actions';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert, Button, Space, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { TaskActions as Actions } from '../api/types';
import { problemText } from '../lib/errors';
import { formatInstant } from '../lib/time';
import { useSession } from '../session';
import { Section } from './Section';

type Mode = 'transfer' | 'delegate' | 'consult' | 'return' | null;

/** A labelled multi-line text field (reason, note). */
export function NoteField({ label, value, onChange, required }: {
  label: string; value: string; onChange(value: string): void; required?: boolean;
}) {
  const id = useId();
  return (
    <div className="action-field">
      <label htmlFor={id}>{label}{required && <span aria-hidden className="required-mark"> *</span>}</label>
      <textarea id={id} rows={3} value={value} maxLength={500} required={required} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** A labelled one-line field or, given choices, a native select. */
export function PersonField({ label, value, onChange, choices }: {
  label: string; value: string; onChange(value: string): void; choices?: string[];
}) {
  const id = useId();
  const { t } = useTranslation();
  return (
    <div className="action-field">
      <label htmlFor={id}>{label}<span aria-hidden className="required-mark"> *</span></label>
      {choices ? (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('actions.choose')}</option>
          {choices.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      ) : (
        <input id={id} value={value} maxLength={100} autoComplete="off" placeholder={t('actions.userHint')} onChange={(e) => onChange(e.target.value)} />
      )}
    </div>
  );
}

/** 退回 banner: the step was sent back to me with a reason (I resubmit: 再次提交). */
export function ReturnedBanner({ actions }: { actions?: Actions }) {
  const { t } = useTranslation();
  if (!actions?.returned) return null;
  return <Alert type="warning" showIcon className="returned-banner" message={t('actions.returnedTitle', { user: actions.returned.by, when: formatInstant(actions.returned.at) })}
    description={actions.returned.reason} />;
}

/** 转办, 委派, 加签, 退回 on an open step I hold, with the requests made on it. */
export function TaskActionsPanel({ taskId, actions }: { taskId: string; actions?: Actions }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>(null);
  const [person, setPerson] = useState('');
  const [text, setText] = useState('');
  const [when, setWhen] = useState<'consult_before' | 'consult_after'>('consult_before');
  const [target, setTarget] = useState('');
  const [done, setDone] = useState<string | null>(null);

  const act = useMutation({
    mutationFn: async (): Promise<string> => {
      const path = { task_id: taskId };
      if (mode === 'transfer') {
        const moved = await ok(api.POST('/api/tasks/{task_id}/transfer', { params: { path }, body: { to_user: person, reason: text } }));
        return t('actions.transferred', { user: moved.to });
      }
      if (mode === 'delegate' || mode === 'consult') {
        const kind = mode === 'delegate' ? 'delegate' : when;
        await ok(api.POST('/api/tasks/{task_id}/requests', { params: { path }, body: { kind, to_user: person, note: text } }));
        return t('actions.asked', { user: person });
      }
      await ok(api.POST('/api/tasks/{task_id}/return', { params: { path }, body: { to_element: target, reason: text } }));
      return t('actions.returned');
    },
    onSuccess: (message) => {
      setDone(message);
      setMode(null);
      setText('');
      setPerson('');
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      void queryClient.invalidateQueries({ queryKey: ['views'] });
      void queryClient.invalidateQueries({ queryKey: ['task', taskId] });
      if (mode === 'transfer' || mode === 'return') navigate('/inbox', { replace: true, state: { message } });
    },
  });
  const withdraw = useMutation({
    mutationFn: (id: number) => ok(api.POST('/api/requests/{request_id}/withdraw', { params: { path: { request_id: id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['task', taskId, 'actions'] }),
  });
  if (!actions) return null;
  const requests = actions.requests ?? [];
  const canTransfer = actions.holder && actions.transfer_to.length > 0;
  const open = (next: Mode) => { setMode(mode === next ? null : next); act.reset(); setDone(null); };
  const ready = mode === 'return' ? !!target && !!text.trim() : !!person && !!text.trim();
  const failure = act.error ? problemText(act.error, t) : null;

  if (!actions.holder && requests.length === 0) return null;
  return (
    <Section title={t('actions.title')}>
      {actions.statutory && <p className="muted statutory-note">{t('actions.statutory', { kind: actions.statutory_name })}</p>}
      {actions.holder && (
        <Space wrap className="action-buttons">
          {canTransfer && <Button onClick={() => open('transfer')} type={mode === 'transfer' ? 'primary' : 'default'}>{t('actions.transfer')}</Button>}
          {actions.may_delegate && <Button onClick={() => open('delegate')} type={mode === 'delegate' ? 'primary' : 'default'}>{t('actions.delegate')}</Button>}
          <Button onClick={() => open('consult')} type={mode === 'consult' ? 'primary' : 'default'}>{t('actions.consult')}</Button>
          {actions.return_to.length > 0 && <Button danger onClick={() => open('return')} type={mode === 'return' ? 'primary' : 'default'}>{t('actions.return')}</Button>}
        </Space>
      )}
      {mode && (
        <form className="action-form" onSubmit={(e) => { e.preventDefault(); if (ready) act.mutate(); }}>
          <p className="muted">{t(`actions.help.${mode}`)}</p>
          {mode === 'transfer' && <PersonField label={t('actions.to')} value={person} onChange={setPerson} choices={actions.transfer_to} />}
          {(mode === 'delegate' || mode === 'consult') && <PersonField label={t('actions.askWho')} value={person} onChange={setPerson} />}
          {mode === 'consult' && (
            <fieldset className="action-field radio-row">
              <legend>{t('actions.when')}</legend>
              {(['consult_before', 'consult_after'] as const).map((k) => (
                <label key={k}><input type="radio" name="when" checked={when === k} onChange={() => setWhen(k)} /> {t(`requests.kind.${k}`)}</label>
              ))}
            </fieldset>
          )}
          {mode === 'return' && (
            <div className="action-field">
              <label htmlFor="return-target">{t('actions.returnTo')}<span aria-hidden className="required-mark"> *</span></label>
              <select id="return-target" value={target} onChange={(e) => setTarget(e.target.value)}>
                <option value="">{t('actions.choose')}</option>
                {actions.return_to.map((r) => <option key={r.element_id} value={r.element_id}>{r.name}</option>)}
              </select>
            </div>
          )}
          <NoteField label={mode === 'delegate' || mode === 'consult' ? t('actions.note') : t('actions.reason')} value={text} onChange={setText} required />
          {failure && <Alert type="error" showIcon message={failure.message} description={failure.detail} />}
          <Space wrap>
            <Button type="primary" htmlType="submit" disabled={!ready} loading={act.isPending}>{t(`actions.confirm.${mode}`)}</Button>
            <Button onClick={() => setMode(null)}>{t('common.cancel')}</Button>
          </Space>
        </form>
      )}
      {done && <Alert type="success" showIcon message={done} />}
      {requests.length > 0 && (
        <ul className="request-list" aria-label={t('requests.onThisStep')}>
          {requests.map((r) => (
            <li key={r.id}>
              <Tag color={r.status === 'answered' ? 'green' : 'blue'}>{t(`requests.kind.${r.kind}`)}</Tag>
              {t('requests.line', { from: r.from_user, to: r.to_user })} · {t(`requests.status.${r.status}`)}
              <div className="muted">“{r.note}”</div>
              {r.answer && <div className="request-answer">{t('requests.answer')}：{r.answer}</div>}
              {r.status !== 'answered' && r.status !== 'withdrawn' && r.from_user === me?.user && (
                <Button size="small" onClick={() => withdraw.mutate(r.id)} loading={withdraw.isPending}>{t('requests.withdraw')}</Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** The task page's actions: the banner of a step sent back (top) or the panel (bottom), from one query. */
export default function TaskActions({ taskId, place }: { taskId: string; place: 'top' | 'bottom' }) {
  const actions = useQuery({
    queryKey: ['task', taskId, 'actions'],
    queryFn: () => ok(api.GET('/api/tasks/{task_id}/actions', { params: { path: { task_id: taskId } } })),
  });
  if (place === 'top') return <ReturnedBanner actions={actions.data} />;
  if (!actions.data) return null;
  return actions.data.holder || actions.data.requests.length > 0 ? <TaskActionsPanel taskId={taskId} actions={actions.data} /> : null;
}
