import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Select, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { UnitEntry } from '../api/types';
import { problemText } from '../lib/errors';
import { useAdminUnits } from '../lib/people';
import { useSession } from '../session';
import { PeopleTabs } from './People';

type Dialog = { create: string | null } | { move: UnitEntry };
interface Values { code?: string; name?: string; kind?: string; parent?: string; reason?: string }

function UnitTreeView() {
  const { t } = useTranslation();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const tree = useAdminUnits();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [form] = Form.useForm<Values>();
  const units = tree.data?.units ?? [];
  const codes = new Set(units.map((u) => u.code));
  const children = new Map<string | null, UnitEntry[]>();
  for (const unit of units) {
    const parent = unit.parent && codes.has(unit.parent) ? unit.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), unit]);
  }
  const save = useMutation({
    mutationFn: (v: Values) => {
      if (dialog && 'move' in dialog) {
        return ok(api.PATCH('/api/admin/units/{unit}', { params: { path: { unit: dialog.move.code } },
          body: { parent: v.parent || null, name: v.name?.trim() || null, reason: v.reason || null } }));
      }
      return ok(api.POST('/api/admin/units', { body: {
        code: (v.code ?? '').trim(), name: (v.name ?? '').trim(), kind: v.kind as never, parent: v.parent || null, reason: v.reason || null } }));
    },
    onSuccess: (unit) => {
      setDone(t(dialog && 'move' in dialog ? 'units.moved' : 'units.created', { name: unit.name }));
      setDialog(null);
      void queryClient.invalidateQueries({ queryKey: ['admin-units'] });
      void queryClient.invalidateQueries({ queryKey: ['units'] });
    },
  });
  const open = (which: Dialog) => {
    save.reset();
    form.resetFields();
    if ('create' in which) form.setFieldsValue({ parent: which.create ?? undefined, kind: which.create ? 'community' : 'street' });
    else form.setFieldsValue({ parent: which.move.parent ?? undefined, name: which.move.name });
    setDialog(which);
  };
  const branch = (parent: string | null) => (
    <ul className={parent === null ? 'unit-tree' : 'unit-branch'}>
      {(children.get(parent) ?? []).map((unit) => (
        <li key={unit.code}>
          <div className="unit-node">
            <span><strong>{unit.name}</strong> <Tag>{unit.kind_name}</Tag> <span className="muted">{unit.code}</span></span>
            <span className="unit-actions">
              <Button size="small" onClick={() => open({ create: unit.code })} aria-label={t('units.addBelowOf', { name: unit.name })}>{t('units.addBelow')}</Button>
              <Button size="small" onClick={() => open({ move: unit })} aria-label={t('units.editOf', { name: unit.name })}>{t('units.edit')}</Button>
            </span>
          </div>
          {children.has(unit.code) && branch(unit.code)}
        </li>
      ))}
    </ul>
  );
  const moving = dialog && 'move' in dialog ? dialog.move : null;
  return (
    <div className="page wide">
      <h2>{t('units.title')}</h2>
      <PeopleTabs current="units" />
      <p className="muted">{t('units.help')}</p>
      {done && <Alert type="success" showIcon closable message={done} onClose={() => setDone(null)} className="form-alert" />}
      {tree.error && <Alert type="error" showIcon message={problemText(tree.error, t).message} description={problemText(tree.error, t).detail} />}
      {branch(null)}
      {me?.is_admin && <Button type="primary" onClick={() => open({ create: null })}>{t('units.newRoot')}</Button>}
      <Modal open={dialog !== null} destroyOnHidden okText={t('common.confirm')} cancelText={t('common.cancel')} confirmLoading={save.isPending}
        title={moving ? `${t('units.edit')} · ${moving.name}` : t('units.new')} onCancel={() => setDialog(null)}
        onOk={() => form.validateFields().then((v) => save.mutate(v))}>
        <Form form={form} layout="vertical">
          {!moving && <Form.Item name="code" label={t('units.code')} extra={t('units.codeHelp')} rules={[{ required: true, whitespace: true, message: t('units.codeRequired') }]}><Input /></Form.Item>}
          <Form.Item name="name" label={t('units.name')} rules={[{ required: true, whitespace: true, message: t('units.nameRequired') }]}><Input /></Form.Item>
          {!moving && (
            <Form.Item name="kind" label={t('units.kind')} rules={[{ required: true }]}>
              <Select options={(tree.data?.kinds ?? []).map((k) => ({ value: k.code, label: k.name }))} />
            </Form.Item>
          )}
          <Form.Item name="parent" label={t('units.parent')} extra={moving ? t('units.moveHelp') : undefined}>
            <Select allowClear={!!me?.is_admin} options={units.filter((u) => u.code !== moving?.code).map((u) => ({ value: u.code, label: u.name }))} />
          </Form.Item>
          <Form.Item name="reason" label={t('people.reason')}><Input.TextArea rows={2} /></Form.Item>
        </Form>
        {save.error && <Alert type="error" showIcon message={problemText(save.error, t).message} description={problemText(save.error, t).detail} />}
      </Modal>
    </div>
  );
}

export default function UnitsPage() {
  return <App component={false}><UnitTreeView /></App>;
}
