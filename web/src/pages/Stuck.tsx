import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Statistic, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { StuckItem } from '../api/types';
import { problemText } from '../lib/errors';
import { formatInstant } from '../lib/time';
import { localizeQuoted } from '../lib/labels';
import { MethodName, useRoleName, useUnitName } from '../components/bits';

type Action = 'suspend' | 'resume' | 'cancel' | 'retry' | 'reassign';
const PAGE = 500;
const REASON_COLORS: Record<string, string> = { overdue: 'red', idle: 'gold', error: 'magenta', suspended: 'default', looping: 'purple' };

function countBy(items: StuckItem[], key: (i: StuckItem) => string) {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return Object.entries(out).sort((a, b) => b[1] - a[1]);
}

function DevClock() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [days, setDays] = useState<number | null>(8);
  const move = useMutation({
    mutationFn: () => ok(api.POST('/api/dev/clock', { body: { advance_days: days ?? 0 } })),
    onSuccess: (result) => {
      void message.success(t('clock.moved', { when: formatInstant(result.now), fired: result.timers_fired }));
      void queryClient.invalidateQueries();
    },
  });
  return (
    <Card size="small" title={t('clock.title')} className="task-section">
      <p className="muted">{t('clock.help')}</p>
      <Space wrap>
        <label htmlFor="clock-days">{t('clock.days')}</label>
        <InputNumber id="clock-days" min={0} max={3660} value={days} onChange={setDays} />
        <Button onClick={() => move.mutate()} loading={move.isPending}>{t('clock.move')}</Button>
      </Space>
      {move.error && <Alert type="error" showIcon message={problemText(move.error, t).message} description={problemText(move.error, t).detail} />}
    </Card>
  );
}

function StuckDashboard() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const roleName = useRoleName();
  const unitName = useUnitName();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<string | undefined>();
  const [unit, setUnit] = useState<string | undefined>();
  const [method, setMethod] = useState<string | undefined>();
  const [pending, setPending] = useState<{ action: Action; row: StuckItem } | null>(null);
  const [form] = Form.useForm<{ reason?: string; user?: string }>();
  const [lastResult, setLastResult] = useState<string | null>(null);

  // the server filters, counts every reason and pages (the oldest rows first): a million cases stay cheap
  const stuck = useQuery({
    queryKey: ['stuck', reason, unit, method],
    queryFn: () => ok(api.GET('/api/admin/stuck', { params: { query: { reason: reason as StuckItem['reason'] | undefined, unit, method, limit: PAGE } } })),
    refetchInterval: 60_000,
  });
  const all = stuck.data?.items ?? [];
  const items = all;
  const counts = stuck.data?.counts ?? {};

  const act = useMutation({
    mutationFn: async ({ action, row, values }: { action: Action; row: StuckItem; values: { reason?: string; user?: string } }) => {
      const path = { params: { path: { case: row.reference } } };
      switch (action) {
        case 'suspend': return ok(api.POST('/api/admin/cases/{case}/suspend', { ...path, body: { reason: values.reason ?? '' } }));
        case 'resume': return ok(api.POST('/api/admin/cases/{case}/resume', { ...path, body: { reason: values.reason || null } }));
        case 'cancel': return ok(api.POST('/api/admin/cases/{case}/cancel', { ...path, body: { reason: values.reason ?? '' } }));
        case 'retry': return ok(api.POST('/api/admin/cases/{case}/retry', { ...path, body: { data: {} } }));
        case 'reassign': {
          const detail = await ok(api.GET('/api/cases/{case}', path));
          const task = (detail.open_tasks ?? []).find((o) => o.element_id === row.element_id) ?? detail.open_tasks?.[0];
          if (!task) throw new Error(t('stuck.noTask'));
          return ok(api.POST('/api/admin/tasks/{task_id}/reassign', {
            params: { path: { task_id: task.task_id } }, body: { user: values.user ?? '', reason: values.reason ?? '' },
          }));
        }
      }
    },
    onSuccess: (_data, { action, row, values }) => {
      const text = t(`stuck.done.${action}`, { case: row.reference, user: values.user });
      setLastResult(text);
      void message.success(text);
      setPending(null);
      form.resetFields();
      void queryClient.invalidateQueries();
    },
  });

  const open = (action: Action, row: StuckItem) => {
    act.reset();
    form.setFieldsValue({ reason: '', user: row.role ?? '' });
    setPending({ action, row });
  };

  const unique = (key: (i: StuckItem) => string | null | undefined, chosen?: string) =>
    [...new Set([...all.map(key), chosen].filter(Boolean) as string[])];
  const actions = (r: StuckItem) => (
    <Space wrap size={4}>
      {r.reason === 'suspended'
        ? <Button size="small" onClick={() => open('resume', r)}>{t('stuck.action.resume')}</Button>
        : <Button size="small" onClick={() => open('suspend', r)}>{t('stuck.action.suspend')}</Button>}
      {r.reason === 'error' && <Button size="small" onClick={() => open('retry', r)}>{t('stuck.action.retry')}</Button>}
      {r.role && <Button size="small" type="primary" onClick={() => open('reassign', r)}>{t('stuck.action.reassign')}</Button>}
      <Button size="small" danger onClick={() => open('cancel', r)}>{t('stuck.action.cancel')}</Button>
    </Space>
  );
  const columns: ColumnsType<StuckItem> = [
    { title: t('stuck.case'), key: 'case', render: (_, r) => <><Link to={`/case/${encodeURIComponent(r.reference)}`}>{r.title}</Link><div className="muted">{r.reference}</div></> },
    { title: t('stuck.reason'), dataIndex: 'reason', key: 'reason', sorter: (a, b) => a.reason.localeCompare(b.reason),
      render: (v: string, r) => <><Tag color={REASON_COLORS[v]}>{t(`reason.${v}`, { defaultValue: v })}</Tag><div className="muted">{localizeQuoted(r.detail, i18n.language)}</div></> },
    { title: t('stuck.waitingFor'), key: 'role', render: (_, r) => <>{roleName(r.role) || '—'}</> },
    { title: t('stuck.unit'), dataIndex: 'unit', key: 'unit', sorter: (a, b) => a.unit.localeCompare(b.unit), render: (v: string) => unitName(v) },
    { title: t('stuck.method'), dataIndex: 'definition_key', key: 'method', render: (v: string) => <Link to={`/console/methods/${v}`}><MethodName code={v} /></Link> },
    { title: t('stuck.since'), dataIndex: 'since', key: 'since', defaultSortOrder: 'ascend',
      sorter: (a, b) => String(a.since).localeCompare(String(b.since)), render: (v: string) => formatInstant(v) },
    { title: t('stuck.actions'), key: 'actions', render: (_, r) => actions(r) },
  ];

  const needsReason = pending && (pending.action === 'suspend' || pending.action === 'cancel' || pending.action === 'reassign');
  const summary = useMemo(() => ({
    reason: Object.entries(counts).sort((a, b) => b[1] - a[1]), unit: countBy(all, (i) => i.unit), method: countBy(all, (i) => i.definition_key),
  }), [all, counts]);

  return (
    <div className="page wide">
      <h2>{t('stuck.title')}</h2>
      {lastResult && <Alert type="success" showIcon closable message={lastResult} onClose={() => setLastResult(null)} className="form-alert" />}
      <Row gutter={[12, 12]} className="stuck-summary">
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('stuck.total')} value={stuck.data?.total ?? 0} /></Card></Col>
        {summary.reason.map(([r, n]) => (
          <Col xs={12} md={6} key={r}><Card size="small"><Statistic title={t(`reason.${r}`, { defaultValue: r })} value={n} /></Card></Col>
        ))}
      </Row>
      {(stuck.data?.total ?? 0) > all.length && <p className="muted">{t('stuck.partial', { shown: all.length, total: stuck.data?.total })}</p>}
      <p className="muted">
        {summary.unit.map(([u, n]) => `${unitName(u)} ${n}`).join('　')}{summary.method.length > 0 && '　|　'}
        {summary.method.map(([m, n]) => `${t(`method.${m}`, { defaultValue: m })} ${n}`).join('　')}
      </p>
      <Space wrap className="filters">
        <Select allowClear placeholder={t('stuck.allReasons')} aria-label={t('stuck.reason')} value={reason} onChange={setReason} className="filter"
          options={[...new Set([...(reason ? [reason] : []), ...Object.keys(counts)])].map((v) => ({ value: v, label: t(`reason.${v}`, { defaultValue: v }) }))} />
        <Select allowClear placeholder={t('inbox.allUnits')} aria-label={t('stuck.unit')} value={unit} onChange={setUnit} className="filter"
          options={unique((i) => i.unit, unit).map((v) => ({ value: v, label: unitName(v) }))} />
        <Select allowClear placeholder={t('inbox.allMethods')} aria-label={t('stuck.method')} value={method} onChange={setMethod} className="filter"
          options={unique((i) => i.definition_key, method).map((v) => ({ value: v, label: t(`method.${v}`, { defaultValue: v }) }))} />
      </Space>
      {stuck.error && <Alert type="error" showIcon message={t('error.load')} />}
      <Table rowKey={(r) => `${r.case_id}-${r.reason}-${r.element_id ?? ''}`} columns={columns} dataSource={items}
        loading={stuck.isLoading} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 900 }} className="stuck-table"
        locale={{ emptyText: t('stuck.empty') }} />
      {/* phones: the same rows as cards (the table scrolls sideways there) */}
      <ul className="case-list stuck-cards">
        {items.map((r) => (
          <li key={`${r.case_id}-${r.reason}-${r.element_id ?? ''}`} className="case-card">
            <div className="case-card-head">
              <Link to={`/case/${encodeURIComponent(r.reference)}`} className="case-card-title">{r.title}</Link>
              <Tag color={REASON_COLORS[r.reason]}>{t(`reason.${r.reason}`, { defaultValue: r.reason })}</Tag>
            </div>
            <div>{localizeQuoted(r.detail, i18n.language)}</div>
            <div className="muted">{r.reference} · <MethodName code={r.definition_key} /> · {unitName(r.unit)}</div>
            <div className="muted">{t('stuck.waitingFor')}: {roleName(r.role) || '—'} · {t('stuck.since')}: {formatInstant(r.since)}</div>
            <div className="stuck-card-actions">{actions(r)}</div>
          </li>
        ))}
        {items.length === 0 && !stuck.isLoading && <li className="muted">{t('stuck.empty')}</li>}
      </ul>
      <DevClock />
      <Modal
        open={!!pending}
        title={pending ? t(`stuck.action.${pending.action}`) + ' · ' + pending.row.reference : ''}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={act.isPending}
        okButtonProps={{ danger: pending?.action === 'cancel' }}
        onCancel={() => setPending(null)}
        onOk={() => form.validateFields().then((values) => pending && act.mutate({ ...pending, values }))}
        destroyOnHidden
      >
        {pending && <p>{pending.row.title} · {t(`reason.${pending.row.reason}`, { defaultValue: pending.row.reason })}</p>}
        <Form form={form} layout="vertical">
          {pending?.action === 'reassign' && (
            <Form.Item name="user" label={t('stuck.newAssignee')} extra={t('stuck.newAssigneeHelp', { role: roleName(pending.row.role) })}
              rules={[{ required: true, message: t('stuck.userRequired') }]}>
              <Input autoComplete="off" />
            </Form.Item>
          )}
          {pending && pending.action !== 'retry' && (
            <Form.Item name="reason" label={t('stuck.reasonLabel')} rules={needsReason ? [{ required: true, whitespace: true, message: t('stuck.reasonRequired') }] : []}>
              <Input.TextArea rows={3} />
            </Form.Item>
          )}
        </Form>
        {act.error && <Alert type="error" showIcon message={problemText(act.error, t).message} description={problemText(act.error, t).detail ?? act.error.message} />}
      </Modal>
    </div>
  );
}

/** antd's App (message, modal and notification contexts) only wraps the console, not the participant pages. */
export default function StuckPage() {
  return <App component={false}><StuckDashboard /></App>;
}
