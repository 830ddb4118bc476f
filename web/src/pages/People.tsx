import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { NewUserResult } from '../api/types';
import { problemText } from '../lib/errors';
import { useAdminUnits, useGrantableRoles } from '../lib/people';
import { useSession } from '../session';

interface NewUserForm {
  id: string; display_name: string; phone?: string; email?: string; unit?: string; role?: string;
  valid_from?: string; valid_to?: string; reason?: string;
}

/** Links between the people pages (people, units, import). */
export function PeopleTabs({ current }: { current: 'people' | 'units' | 'import' }) {
  const { t } = useTranslation();
  return (
    <nav className="people-tabs" aria-label={t('people.sections')}>
      {(['people', 'units', 'import'] as const).map((key) => (
        <Link key={key} to={key === 'people' ? '/console/people' : `/console/${key}`} aria-current={current === key ? 'page' : undefined}
          className={`people-tab${current === key ? ' active' : ''}`}>{t(`people.tab.${key}`)}</Link>
      ))}
    </nav>
  );
}

function PeopleList() {
  const { t } = useTranslation();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<NewUserResult | null>(null);
  const [form] = Form.useForm<NewUserForm>();
  const units = useAdminUnits();
  const roles = useGrantableRoles();
  const list = useQuery({
    queryKey: ['admin-users', search],
    queryFn: () => ok(api.GET('/api/admin/users', { params: { query: { q: search || undefined, limit: 200 } } })),
  });
  const create = useMutation({
    mutationFn: (v: NewUserForm) => ok(api.POST('/api/admin/users', { body: {
      id: v.id.trim(), display_name: v.display_name.trim(), phone: v.phone?.replace(/[\s-]/g, '') || null,
      email: v.email?.trim() || null, reason: v.reason || null,
      memberships: v.unit && v.role ? [{ unit: v.unit, role: v.role, valid_from: v.valid_from || null, valid_to: v.valid_to || null }] : [],
    } })),
    onSuccess: (result) => {
      setCreated(result);
      setCreating(false);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['admin-users'] });
    },
  });
  const items = list.data?.items ?? [];
  return (
    <div className="page wide">
      <h2>{t('people.title')}</h2>
      <PeopleTabs current="people" />
      {me && !me.is_admin && <p className="muted">{t('people.scoped')}</p>}
      {created && (
        <Alert type="success" showIcon closable onClose={() => setCreated(null)} className="form-alert"
          message={t('people.created', { name: created.user.display_name, id: created.user.id })}
          description={<>{t('people.codeOnce')} <Typography.Text code copyable className="one-time-code">{created.one_time_code}</Typography.Text></>} />
      )}
      <form className="filters people-search" onSubmit={(e) => { e.preventDefault(); setSearch(q.trim()); }} role="search">
        <Input aria-label={t('people.search')} placeholder={t('people.searchHint')} value={q} onChange={(e) => setQ(e.target.value)} allowClear size="large" />
        <Button htmlType="submit" size="large">{t('people.searchButton')}</Button>
        <Button type="primary" size="large" onClick={() => { create.reset(); setCreating(true); }}>{t('people.new')}</Button>
      </form>
      {list.error && <Alert type="error" showIcon message={problemText(list.error, t).message} description={problemText(list.error, t).detail} />}
      <p className="muted">{t('people.count', { count: list.data?.total ?? 0 })}</p>
      <ul className="case-list">
        {items.map((u) => (
          <li key={u.id} className="case-card">
            <div className="case-card-head">
              <Link to={`/console/people/${encodeURIComponent(u.id)}`} className="case-card-title">{u.display_name}</Link>
              {!u.active && <Tag>{t('people.inactive')}</Tag>}
              {u.is_admin && <Tag color="red">{t('settings.admin')}</Tag>}
            </div>
            <div className="muted">{u.id}{u.phone ? ` · ${u.phone}` : ''}{u.email ? ` · ${u.email}` : ''}</div>
            <div>{u.memberships.map((m) => (
              <Tag key={`${m.unit}/${m.role}`} color={m.current ? 'blue' : undefined}>{m.unit_name} · {m.role_name}</Tag>
            ))}</div>
          </li>
        ))}
        {items.length === 0 && !list.isLoading && <li className="muted">{t('people.empty')}</li>}
      </ul>
      <Modal open={creating} title={t('people.new')} okText={t('common.confirm')} cancelText={t('common.cancel')}
        confirmLoading={create.isPending} onCancel={() => setCreating(false)} destroyOnHidden
        onOk={() => form.validateFields().then((v) => create.mutate(v))}>
        <Form form={form} layout="vertical">
          <Form.Item name="display_name" label={t('people.name')} rules={[{ required: true, whitespace: true, message: t('people.nameRequired') }]}><Input /></Form.Item>
          <Form.Item name="phone" label={t('people.phone')}><Input inputMode="tel" autoComplete="off" /></Form.Item>
          <Form.Item name="id" label={t('people.id')} extra={t('people.idHelp')} rules={[{ required: true, whitespace: true, message: t('people.idRequired') }]}><Input autoComplete="off" /></Form.Item>
          <Form.Item name="email" label={t('people.email')}><Input inputMode="email" autoComplete="off" /></Form.Item>
          <Space wrap align="start">
            <Form.Item name="unit" label={t('people.unit')} rules={me?.is_admin ? [] : [{ required: true, message: t('people.unitRequired') }]}>
              <Select className="filter" allowClear options={(units.data?.units ?? []).map((u) => ({ value: u.code, label: u.name }))} />
            </Form.Item>
            <Form.Item name="role" label={t('people.role')}>
              <Select className="filter" allowClear options={roles.map((r) => ({ value: r.code, label: `${r.zh} ${r.en}` }))} />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="valid_from" label={t('people.from')}><Input type="date" /></Form.Item>
            <Form.Item name="valid_to" label={t('people.to')}><Input type="date" /></Form.Item>
          </Space>
          <Form.Item name="reason" label={t('people.reason')}><Input.TextArea rows={2} /></Form.Item>
        </Form>
        {create.error && <Alert type="error" showIcon message={problemText(create.error, t).message} description={problemText(create.error, t).detail} />}
      </Modal>
    </div>
  );
}

export default function PeoplePage() {
  return <App component={false}><PeopleList /></App>;
}
