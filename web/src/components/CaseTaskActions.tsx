import '../i18n/actions';
import { useState } from 'react';
import { Alert, Button, Space, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { problemText } from '../lib/errors';
import { formatInstant } from '../lib/time';
import { useSession } from '../session';
import { Section } from './Section';
import { NoteField, PersonField } from './TaskActions';

type Open = { kind: 'urge'; taskId: string } | { kind: 'copy' | 'withdrawStep' | 'withdrawCase' } | { kind: 'answer'; id: number } | null;

/** On the case page: 催办 each open step (with its urges and whether the holder opened it since), 抄送, 撤回 my last
 * step, 撤销 my proposal, who it was copied to, and the requests on its steps (answered here). */
export function CaseActionsPanel({ reference }: { reference: string }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<Open>(null);
  const [text, setText] = useState('');
  const [people, setPeople] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const actions = useQuery({
    queryKey: ['case', reference, 'actions'],
    queryFn: () => ok(api.GET('/api/cases/{case}/actions', { params: { path: { case: reference } } })),
  });
  const act = useMutation({
    mutationFn: async (): Promise<string> => {
      const path = { case: reference };
      if (open?.kind === 'urge') {
        const urged = await ok(api.POST('/api/tasks/{task_id}/urge', { params: { path: { task_id: open.taskId } }, body: { note: text || null } }));
        return t('urge.done', { users: urged.holders.join('、') });
      }
      if (open?.kind === 'copy') {
        const to = people.split(/[,，、\s]+/).filter(Boolean);
        const copied = await ok(api.POST('/api/cases/{case}/copies', { params: { path }, body: { to_users: to, note: text || null } }));
        return copied.added.length ? t('copy.done', { users: copied.added.join('、') }) : t('copy.already');
      }
      if (open?.kind === 'withdrawStep' && actions.data?.withdrawable_step) {
        await ok(api.POST('/api/tasks/{task_id}/withdraw', { params: { path: { task_id: actions.data.withdrawable_step.task_id } }, body: { reason: text || null } }));
        return t('withdraw.stepDone');
      }
      if (open?.kind === 'withdrawCase') {
        await ok(api.POST('/api/cases/{case}/withdraw', { params: { path }, body: { reason: text } }));
        return t('withdraw.caseDone');
      }
      if (open?.kind === 'answer') {
        await ok(api.POST('/api/requests/{request_id}/answer', { params: { path: { request_id: open.id } }, body: { answer: text } }));
        return t('requests.answered');
      }
      return '';
    },
    onSuccess: (message) => {
      setDone(message);
      setOpen(null);
      setText('');
      setPeople('');
      void queryClient.invalidateQueries({ queryKey: ['case'] });
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      void queryClient.invalidateQueries({ queryKey: ['views'] });
    },
  });
  const data = actions.data;
  if (!data) return null;
  const show = (next: Open) => { setOpen(next); setText(''); act.reset(); setDone(null); };
  const failure = act.error ? problemText(act.error, t) : null;
  const needsText = open?.kind === 'withdrawCase' || open?.kind === 'answer';
  const ready = (!needsText || !!text.trim()) && (open?.kind !== 'copy' || !!people.trim());
  const mineToAnswer = data.requests.filter((r) => r.to_user === me?.user && r.status === 'open');

  const form = (label: string) => (
    <form className="action-form" onSubmit={(e) => { e.preventDefault(); if (ready) act.mutate(); }}>
      {open?.kind === 'copy' && <PersonField label={t('copy.to')} value={people} onChange={setPeople} />}
      <NoteField label={label} value={text} onChange={setText} required={needsText} />
      {failure && <Alert type="error" showIcon message={failure.message} description={failure.detail} />}
      <Space wrap>
        <Button type="primary" htmlType="submit" disabled={!ready} loading={act.isPending}>{t('common.confirm')}</Button>
        <Button onClick={() => setOpen(null)}>{t('common.cancel')}</Button>
      </Space>
    </form>
  );

  return (
    <Section title={t('actions.caseTitle')} className="no-print case-actions-panel">
      {done && <Alert type="success" showIcon message={done} className="action-done" />}
      {data.steps.length > 0 && (
        <ul className="urge-list">
          {data.steps.map((s) => (
            <li key={s.task_id}>
              <div><strong>{s.name}</strong> <span className="muted">{t('urge.holders', { users: s.holders.join('、') || '—' })}</span></div>
              {s.urge_count > 0 && (
                <div className="muted">
                  {t('urge.history', { count: s.urge_count, when: formatInstant(s.urged_at ?? null) })}{' '}
                  <Tag color={s.opened_since_urge ? 'green' : 'orange'}>{s.opened_since_urge ? t('urge.opened') : t('urge.notOpened')}</Tag>
                </div>
              )}
              {s.may_urge && <Button onClick={() => show({ kind: 'urge', taskId: s.task_id })} className="urge-button">{t('urge.button')}</Button>}
              {open?.kind === 'urge' && open.taskId === s.task_id && form(t('urge.note'))}
            </li>
          ))}
        </ul>
      )}
      <Space wrap className="action-buttons">
        {data.may_copy && <Button onClick={() => show({ kind: 'copy' })}>{t('copy.button')}</Button>}
        {data.withdrawable_step && <Button onClick={() => show({ kind: 'withdrawStep' })}>{t('withdraw.step', { step: data.withdrawable_step.name })}</Button>}
        {data.may_withdraw_case && <Button danger onClick={() => show({ kind: 'withdrawCase' })}>{t('withdraw.case')}</Button>}
      </Space>
      {open?.kind === 'copy' && form(t('actions.note'))}
      {open?.kind === 'withdrawStep' && form(t('actions.reason'))}
      {open?.kind === 'withdrawCase' && <>{<p className="muted">{t('withdraw.caseHelp')}</p>}{form(t('actions.reason'))}</>}
      {mineToAnswer.length > 0 && (
        <div id="requests" className="answer-requests">
          <h4>{t('requests.toMe')}</h4>
          {mineToAnswer.map((r) => (
            <div key={r.id} className="request-to-me">
              <Tag color="blue">{t(`requests.kind.${r.kind}`)}</Tag>{t('requests.from', { user: r.from_user })}：“{r.note}”
              <div><Button type="primary" onClick={() => show({ kind: 'answer', id: r.id })}>{t('requests.answerButton')}</Button></div>
              {open?.kind === 'answer' && open.id === r.id && form(t('requests.answer'))}
            </div>
          ))}
        </div>
      )}
      {data.copies.length > 0 && (
        <details className="copies">
          <summary>{t('copy.list', { count: data.copies.length })}</summary>
          <ul>
            {data.copies.map((c) => (
              <li key={c.user_id}>{c.user_id} · {c.copied_by === 'system' ? t('views.byStep') : c.copied_by} · {formatInstant(c.created_at)}{' '}
                <Tag color={c.read_at ? 'green' : 'default'}>{c.read_at ? t('copy.read') : t('copy.unread')}</Tag></li>
            ))}
          </ul>
        </details>
      )}
    </Section>
  );
}
