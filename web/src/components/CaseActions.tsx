// What people do to a case besides its steps (issue 9): lodge an objection while a notice (公示) runs, an
// administrator's correction of a lateness flag with a reason, and merging or splitting linked cases. Each is a
// small form that opens from a full-width button (phone first); the server checks who may, and says why not.
import { useState, type ReactNode } from 'react';
import { Alert, Button, Input, Radio, Select } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { CaseDetail } from '../api/types';
import { problemText } from '../lib/errors';
import { useSession } from '../session';
import { Section } from './Section';
import '../i18n/caseActions';

const LINK_ROLES = ['two_committees', 'deliberation_committee'];
const FLAG = /^(late_[a-z0-9_]+|[a-z][a-z0-9_]*_late)$/;

/** One action: a button that opens its form; the form's submit runs `run` and closes it on success. */
function Action({ id, label, submit, danger, run, children, valid }: {
  id: string; label: string; submit: string; danger?: boolean; valid: boolean;
  run: () => Promise<unknown>; children: ReactNode;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(false);
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: async () => {
      setOpen(false);
      setDone(true);
      await queryClient.invalidateQueries({ queryKey: ['case'] });
    },
  });
  const problem = mutation.error ? problemText(mutation.error, t) : null;
  if (!open) {
    return (
      <div className="case-action">
        {done && <Alert type="success" showIcon role="status" message={t('caseActions.done')} />}
        <Button block size="large" danger={danger} onClick={() => { setOpen(true); setDone(false); }}
          data-action={id}>{label}</Button>
      </div>
    );
  }
  return (
    <form className="case-action case-action-form" aria-label={label}
      onSubmit={(event) => { event.preventDefault(); if (valid) mutation.mutate(); }}>
      <h4>{label}</h4>
      {problem && <Alert type="error" showIcon role="alert" message={problem.message} description={problem.detail} />}
      {children}
      <div className="case-action-buttons">
        <Button htmlType="submit" type="primary" size="large" danger={danger} disabled={!valid}
          loading={mutation.isPending}>{submit}</Button>
        <Button size="large" onClick={() => setOpen(false)}>{t('caseActions.cancel')}</Button>
      </div>
    </form>
  );
}

function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return <label className="case-action-field"><span>{label}</span>{children}</label>;
}

export default function CaseActions({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const [text, setText] = useState('');
  const [onBehalf, setOnBehalf] = useState('');
  const [flag, setFlag] = useState<string | undefined>();
  const [flagValue, setFlagValue] = useState(false);
  const [reason, setReason] = useState('');
  const [into, setInto] = useState('');
  const [titles, setTitles] = useState('');
  if (!me) return null;
  const ref = detail.reference;
  const roles = new Set(me.memberships.filter((m) => m.unit === detail.unit).map((m) => m.role));
  const admin = me.is_admin || roles.has('administrator');
  const open = !['completed', 'cancelled'].includes(detail.status);
  const figures = (detail.key_figures ?? {}) as Record<string, unknown>;
  const publishing = figures.publication_in_progress === true;
  const committee = roles.has('supervision_committee');
  const mayLink = admin || LINK_ROLES.some((r) => roles.has(r));
  const flags = Object.keys(figures).filter((k) => FLAG.test(k) && typeof figures[k] === 'boolean');
  const titleList = titles.split('\n').map((s) => s.trim()).filter(Boolean);
  const path = { params: { path: { case: ref } } };

  const actions: ReactNode[] = [];
  if (publishing && open) {
    actions.push(
      <Action key="object" id="object" label={t('caseActions.object')} submit={t('caseActions.objectSubmit')}
        valid={text.trim().length > 0}
        run={() => ok(api.POST('/api/cases/{case}/objections', { ...path, body: {
          text: text.trim(), ...(committee && onBehalf.trim() ? { on_behalf_of: onBehalf.trim() } : {}) } }))}>
        <p className="muted">{t('caseActions.objectHelp')}</p>
        <Labelled label={t('caseActions.objectText')}>
          <Input.TextArea rows={4} value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} />
        </Labelled>
        {committee && (
          <Labelled label={t('caseActions.onBehalf')}>
            <Input value={onBehalf} onChange={(e) => setOnBehalf(e.target.value)} maxLength={200} />
          </Labelled>
        )}
      </Action>,
    );
  }
  if (admin && flags.length > 0) {
    actions.push(
      <Action key="flag" id="flag" label={t('caseActions.flag')} submit={t('caseActions.flagSubmit')}
        valid={!!flag && reason.trim().length > 0}
        run={() => ok(api.POST('/api/admin/cases/{case}/flags', { ...path, body: {
          flag: flag!, value: flagValue, reason: reason.trim() } }))}>
        <p className="muted">{t('caseActions.flagHelp')}</p>
        <Labelled label={t('caseActions.flagName')}>
          <Select value={flag} onChange={(v: string) => { setFlag(v); setFlagValue(!(figures[v] as boolean)); }}
            options={flags.map((f) => ({ value: f, label: `${f}（${figures[f] ? t('caseActions.late') : t('caseActions.onTime')}）` }))}
            aria-label={t('caseActions.flagName')} />
        </Labelled>
        <Labelled label={t('caseActions.flagValue')}>
          <Radio.Group value={flagValue} onChange={(e) => setFlagValue(e.target.value)}
            options={[{ value: true, label: t('caseActions.late') }, { value: false, label: t('caseActions.onTime') }]} />
        </Labelled>
        <Labelled label={t('caseActions.reason')}>
          <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
        </Labelled>
      </Action>,
    );
  }
  if (mayLink && open) {
    actions.push(
      <Action key="merge" id="merge" label={t('caseActions.merge')} submit={t('caseActions.mergeSubmit')} danger
        valid={into.trim().length > 0 && reason.trim().length > 0}
        run={() => ok(api.POST('/api/cases/{case}/merge', { ...path, body: { into: into.trim(), reason: reason.trim() } }))}>
        <p className="muted">{t('caseActions.mergeHelp')}</p>
        <Labelled label={t('caseActions.into')}>
          <Input value={into} onChange={(e) => setInto(e.target.value)} placeholder={t('caseActions.intoPlaceholder')} />
        </Labelled>
        <Labelled label={t('caseActions.reason')}>
          <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
        </Labelled>
      </Action>,
      <Action key="split" id="split" label={t('caseActions.split')} submit={t('caseActions.splitSubmit')}
        valid={titleList.length >= 2 && titleList.length <= 10 && reason.trim().length > 0}
        run={() => ok(api.POST('/api/cases/{case}/split', { ...path, body: { titles: titleList, reason: reason.trim() } }))}>
        <p className="muted">{t('caseActions.splitHelp')}</p>
        <Labelled label={t('caseActions.titles')}>
          <Input.TextArea rows={4} value={titles} onChange={(e) => setTitles(e.target.value)} />
        </Labelled>
        <Labelled label={t('caseActions.reason')}>
          <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
        </Labelled>
      </Action>,
    );
  }
  if (actions.length === 0) return null;
  return <Section title={t('caseActions.title')} className="no-print case-actions-section">{actions}</Section>;
}
