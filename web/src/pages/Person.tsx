import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, App, Button, Descriptions, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { UserDetail } from '../api/types';
import { problemText } from '../lib/errors';
import { formatInstant } from '../lib/time';
import { useAdminUnits, useGrantableRoles } from '../lib/people';
import { Section } from '../components/Section';
import { PeopleTabs } from './People';
import type { HandedOver } from '../components/HandoverDialog';

// the 换届 dialog and its texts load when an administrator opens a person (not in the entry's preload list)
const HandoverDialog = lazy(() => import('../components/HandoverDialog'));

type Dialog = 'edit' | 'deactivate' | 'reactivate' | 'reset' | 'grant' | { revoke: { unit: string; role: string; label: string } };
interface Values { display_name?: string; phone?: string; email?: string; unit?: string; role?: string; valid_from?: string; valid_to?: string; reason?: string }

function Person() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [code, setCode] = useState<{ code: string; expires: string } | null>(null);
  const [handingOver, setHandingOver] = useState(false);
  const [revoked, setRevoked] = useState(false);
  const [handed, setHanded] = useState<HandedOver | null>(null);
  const [texts, setTexts] = useState(false);
  useEffect(() => { void import('../i18n/handover').then(() => setTexts(true)); }, []);
  const [form] = Form.useForm<Values>();
  const units = useAdminUnits();
  const roles = useGrantableRoles();
  const user = useQuery({ queryKey: ['admin-user', id], queryFn: () => ok(api.GET('/api/admin/users/{user}', { params: { path: { user: id } } })) });
  const path = { params: { path: { user: id } } };
  const act = useMutation({
    mutationFn: async ({ which, v }: { which: Dialog; v: Values }): Promise<UserDetail | null> => {
      const reason = v.reason?.trim() || null;
      if (which === 'edit') return ok(api.PATCH('/api/admin/users/{user}', { ...path, body: {
        display_name: v.display_name?.trim() || null, phone: v.phone?.replace(/[\s-]/g, '') || null, email: v.email?.trim() || null, reason } }));
      if (which === 'deactivate') return ok(api.POST('/api/admin/users/{user}/deactivate', { ...path, body: { reason: reason ?? '' } }));
      if (which === 'reactivate') return ok(api.POST('/api/admin/users/{user}/reactivate', { ...path, body: { reason } }));
      if (which === 'reset') {
        const issued = await ok(api.POST('/api/admin/users/{user}/reset-code', { ...path, body: { reason } }));
        setCode({ code: issued.one_time_code, expires: issued.expires_at });
        return null;
      }
      if (which === 'grant') return ok(api.POST('/api/admin/users/{user}/memberships', { ...path, body: {
        unit: v.unit ?? '', role: v.role ?? '', valid_from: v.valid_from || null, valid_to: v.valid_to || null, reason } }));
      return ok(api.POST('/api/admin/users/{user}/memberships/revoke', { ...path, body: { unit: which.revoke.unit, role: which.revoke.role, reason } }));
    },
    onSuccess: (_result, { which }) => {
      if (typeof which === 'object') setRevoked(true); // a membership ended: offer to hand its tasks over
      setDialog(null);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['admin-user', id] });
      void queryClient.invalidateQueries({ queryKey: ['admin-users'] });
    },
  });
  const open = (which: Dialog) => {
    act.reset();
    form.resetFields();
    if (which === 'edit' && user.data) form.setFieldsValue({ display_name: user.data.display_name, phone: user.data.phone ?? '', email: user.data.email ?? '' });
    setDialog(which);
  };
  const u = user.data;
  const title = dialog === null ? '' : typeof dialog === 'string' ? t(`person.action.${dialog}`) : `${t('person.action.revoke')} · ${dialog.revoke.label}`;
  const reasonRequired = dialog === 'deactivate';

  return (
    <div className="page wide">
      <p><Link to="/console/people">← {t('people.title')}</Link></p>
      <PeopleTabs current="people" />
      {user.error && <Alert type="error" showIcon message={problemText(user.error, t).message} description={problemText(user.error, t).detail} />}
      {u && (
        <>
          <h2>{u.display_name} {!u.active && <Tag>{t('people.inactive')}</Tag>}</h2>
          {code && (
            <Alert type="success" showIcon closable onClose={() => setCode(null)} className="form-alert" message={t('person.codeIssued')}
              description={<>{t('people.codeOnce')} <Typography.Text code copyable className="one-time-code">{code.code}</Typography.Text> {t('person.until', { when: formatInstant(code.expires) })}</>} />
          )}
          <Section title={t('person.account')}>
            <Descriptions size="small" column={1} items={[
              { key: 'id', label: t('people.id'), children: u.id },
              { key: 'phone', label: t('people.phone'), children: u.phone || '—' },
              { key: 'email', label: t('person.email'), children: u.email || '—' },
              { key: 'created', label: t('person.created'), children: formatInstant(u.created_at) },
            ]} />
            {u.manageable ? (
              <Space wrap>
                <Button onClick={() => open('edit')}>{t('person.action.edit')}</Button>
                <Button onClick={() => open('reset')}>{t('person.action.reset')}</Button>
                {u.active
                  ? <Button danger onClick={() => open('deactivate')}>{t('person.action.deactivate')}</Button>
                  : <Button onClick={() => open('reactivate')}>{t('person.action.reactivate')}</Button>}
              </Space>
            ) : <p className="muted">{t('person.notManageable')}</p>}
          </Section>
          {revoked && texts && (
            <Alert type="warning" showIcon closable onClose={() => setRevoked(false)} className="form-alert" message={t('handover.afterRevoke', { name: u.display_name })}
              action={<Button size="small" type="primary" onClick={() => setHandingOver(true)}>{t('handover.button')}</Button>} />
          )}
          {handed && (
            <Alert type="success" showIcon closable onClose={() => setHanded(null)} className="form-alert handover-result" role="status"
              message={t('handover.done', { count: handed.moved.length, name: handed.to })}
              description={<>
                <ul className="plain-list">{handed.moved.map((m) => <li key={m.task_id}><Link to={`/case/${encodeURIComponent(m.reference ?? String(m.case_id))}`}>{m.reference}</Link> {m.title} · {m.step}</li>)}</ul>
                {handed.kept.length > 0 && <>{t('handover.doneKept', { count: handed.kept.length })}
                  <ul className="plain-list">{handed.kept.map((k) => <li key={k.task_id}>{k.reference} {k.step} — {String(k.why ?? '')}</li>)}</ul></>}
                {handed.act && <span className="muted">{t('handover.act', { act: handed.act })}</span>}
              </>} />
          )}
          <Section title={t('person.memberships')}>
            <ul className="plain-list membership-list">
              {u.memberships.map((m) => {
                const label = `${m.unit_name} · ${m.role_name}`;
                return (
                  <li key={`${m.unit}/${m.role}`} className="membership-row">
                    <span><strong>{label}</strong>{(m.valid_from || m.valid_to) && <span className="muted"> {m.valid_from ?? '…'} – {m.valid_to ?? '…'}</span>}
                      {!m.current && <Tag className="tag-gap">{t('person.notNow')}</Tag>}</span>
                    <Button size="small" danger onClick={() => open({ revoke: { unit: m.unit, role: m.role, label } })}>{t('person.action.revoke')}</Button>
                  </li>
                );
              })}
              {u.memberships.length === 0 && <li className="muted">—</li>}
            </ul>
            <Space wrap>
              <Button type="primary" onClick={() => open('grant')}>{t('person.action.grant')}</Button>
              {texts && <Button onClick={() => setHandingOver(true)}>{t('handover.button')}</Button>}
            </Space>
          </Section>
          <Section title={t('person.history')}>
            <ul className="plain-list">
              {[...u.history].reverse().map((e, i) => (
                <li key={i}><span className="muted">{formatInstant(e.at)}</span> {t(`person.event.${e.kind}`, { defaultValue: e.kind })} · {e.actor}
                  {typeof e.data.reason === 'string' && e.data.reason ? ` — ${e.data.reason}` : ''}</li>
              ))}
            </ul>
          </Section>
        </>
      )}
      {u && handingOver && (
        <Suspense fallback={null}>
          <HandoverDialog user={u.id} name={u.display_name} onClose={() => setHandingOver(false)}
            onDone={(result) => { setHandingOver(false); setRevoked(false); setHanded(result); }} />
        </Suspense>
      )}
      <Modal open={dialog !== null} title={title} okText={t('common.confirm')} cancelText={t('common.cancel')} destroyOnHidden
        confirmLoading={act.isPending} okButtonProps={{ danger: dialog === 'deactivate' || (typeof dialog === 'object' && dialog !== null) }}
        onCancel={() => setDialog(null)} onOk={() => form.validateFields().then((v) => dialog && act.mutate({ which: dialog, v }))}>
        <Form form={form} layout="vertical">
          {dialog === 'edit' && (<>
            <Form.Item name="display_name" label={t('people.name')} rules={[{ required: true, whitespace: true, message: t('people.nameRequired') }]}><Input /></Form.Item>
            <Form.Item name="phone" label={t('people.phone')}><Input inputMode="tel" /></Form.Item>
            <Form.Item name="email" label={t('people.email')}><Input inputMode="email" /></Form.Item>
          </>)}
          {dialog === 'grant' && (<>
            <Form.Item name="unit" label={t('people.unit')} rules={[{ required: true, message: t('people.unitRequired') }]}>
              <Select options={(units.data?.units ?? []).map((x) => ({ value: x.code, label: x.name }))} />
            </Form.Item>
            <Form.Item name="role" label={t('people.role')} rules={[{ required: true, message: t('people.roleRequired') }]}>
              <Select options={roles.map((r) => ({ value: r.code, label: `${r.zh} ${r.en}` }))} />
            </Form.Item>
            <Space wrap>
              <Form.Item name="valid_from" label={t('people.from')}><Input type="date" /></Form.Item>
              <Form.Item name="valid_to" label={t('people.to')}><Input type="date" /></Form.Item>
            </Space>
          </>)}
          {dialog === 'reset' && <p>{t('person.resetHelp')}</p>}
          <Form.Item name="reason" label={t('people.reason')} rules={reasonRequired ? [{ required: true, whitespace: true, message: t('stuck.reasonRequired') }] : []}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
        {act.error && <Alert type="error" showIcon message={problemText(act.error, t).message} description={problemText(act.error, t).detail} />}
      </Modal>
    </div>
  );
}

export default function PersonPage() {
  return <App component={false}><Person /></App>;
}
