// 换届 hand-over of every open task of a member (administrators): choose the successor (those holding the member's
// roles in the same units first), see what would move and what would stay (a dry run), then do it in one recorded
// act with a reason.
import { useState } from 'react';
import { Alert, Form, Input, Modal, Select, Spin } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import '../i18n/handover';
import { api, ok } from '../api/client';
import { problemText } from '../lib/errors';
import { personLabel } from '../lib/handover';

type Moved = { task_id: string; case_id: number; reference?: string | null; title?: string | null; step?: string | null; why?: unknown };
export interface HandedOver { act?: string | null; moved: Moved[]; kept: Moved[]; to: string }

function TaskLines({ items, why }: { items: Moved[]; why?: boolean }) {
  return (
    <ul className="plain-list handover-tasks">
      {items.map((m) => <li key={m.task_id}><strong>{m.reference}</strong> {m.title} · {m.step}{why && m.why ? ` — ${String(m.why)}` : ''}</li>)}
    </ul>
  );
}

export default function HandoverDialog({ user, name, onClose, onDone }: { user: string; name: string; onClose: () => void; onDone: (result: HandedOver) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [to, setTo] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const sameRole = useQuery({ queryKey: ['stand-in-candidates', user],
    queryFn: () => ok(api.GET('/api/stand-ins/candidates', { params: { query: { user } } })) });
  const people = useQuery({ queryKey: ['admin-users', ''],
    queryFn: () => ok(api.GET('/api/admin/users', { params: { query: { limit: 200 } } })) });
  const preview = useQuery({ queryKey: ['handover-preview', user, to], enabled: !!to,
    queryFn: () => ok(api.POST('/api/admin/handover/preview', { body: { user, to_user: to! } })) });
  const near = new Set((sameRole.data?.items ?? []).map((c) => c.user));
  const options = [
    ...(sameRole.data?.items ?? []).map((c) => ({ value: c.user, label: `${personLabel(c.display_name, c.user)} · ${t('handover.sameRole')}` })),
    ...(people.data?.items ?? []).filter((p) => p.id !== user && p.active && !near.has(p.id))
      .map((p) => ({ value: p.id, label: personLabel(p.display_name, p.id) })),
  ];
  const toName = options.find((o) => o.value === to)?.label.split(' · ')[0] ?? to ?? '';
  const act = useMutation({
    mutationFn: () => ok(api.POST('/api/admin/handover', { body: { user, to_user: to!, reason: reason.trim() } })),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['admin-user', user] });
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      onDone({ ...result, to: toName });
    },
  });
  const moving = preview.data?.moved ?? [];
  const staying = preview.data?.kept ?? [];
  const reasonMissing = touched && !reason.trim();

  return (
    <Modal open title={`${t('handover.title')} · ${name}`} okText={t('handover.confirm')} cancelText={t('common.cancel')} destroyOnHidden
      confirmLoading={act.isPending} okButtonProps={{ disabled: !to || moving.length === 0, danger: true }} onCancel={onClose}
      onOk={() => { setTouched(true); if (reason.trim()) act.mutate(); }}>
      <Form layout="vertical" requiredMark={false}>
        <Form.Item label={t('handover.to')} htmlFor="handover-to">
          <Select id="handover-to" value={to} onChange={(v: string) => { setTo(v); act.reset(); }} options={options} showSearch optionFilterProp="label"
            loading={sameRole.isLoading || people.isLoading} placeholder={t('handover.toRequired')} />
        </Form.Item>
        <div className="handover-preview" aria-live="polite">
          <h4>{t('handover.preview')}</h4>
          {!to && <p className="muted">{t('handover.previewHelp')}</p>}
          {to && preview.isLoading && <Spin />}
          {preview.error && <Alert type="error" showIcon message={problemText(preview.error, t).message} description={problemText(preview.error, t).detail} />}
          {preview.data && moving.length === 0 && staying.length === 0 && <p>{t('handover.nothing', { name })}</p>}
          {moving.length > 0 && <><p>{t('handover.willMove', { name: toName, count: moving.length })}</p><TaskLines items={moving} /></>}
          {staying.length > 0 && <><p>{t('handover.willStay', { count: staying.length })}</p><TaskLines items={staying} why /></>}
        </div>
        <Form.Item label={t('handover.reason')} htmlFor="handover-reason" validateStatus={reasonMissing ? 'error' : undefined}
          help={reasonMissing ? t('handover.reasonRequired') : undefined}>
          <Input.TextArea id="handover-reason" rows={2} maxLength={500} value={reason} placeholder={t('handover.reasonPlaceholder')}
            onChange={(e) => setReason(e.target.value)} />
        </Form.Item>
      </Form>
      {act.error && <Alert type="error" showIcon message={problemText(act.error, t).message} description={problemText(act.error, t).detail} />}
    </Modal>
  );
}
