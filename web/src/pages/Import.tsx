import { useState } from 'react';
import { Alert, Button, Input, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { ImportResult, ImportRow } from '../api/types';
import { problemText } from '../lib/errors';
import { fileAsBase64 } from '../lib/people';
import { PeopleTabs } from './People';

const OUTCOME_COLORS: Record<string, string> = { create: 'green', update: 'blue', unchanged: 'default', error: 'red' };

/** Import people from a sheet: a dry run shows every row's outcome; only then can the sheet be applied. */
export default function ImportPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<ImportResult | null>(null);
  const run = useMutation({
    mutationFn: async (apply: boolean) => ok(api.POST('/api/admin/people/import', {
      body: { content_base64: await fileAsBase64(file!), apply, reason: reason.trim() || null } })),
    onSuccess: (answer) => {
      setResult(answer);
      if (answer.applied) void queryClient.invalidateQueries({ queryKey: ['admin-users'] });
    },
  });
  const rows = result?.rows ?? [];
  const columns: ColumnsType<ImportRow> = [
    { title: t('import.row'), dataIndex: 'row', key: 'row', width: 70 },
    { title: t('import.outcome'), dataIndex: 'outcome', key: 'outcome', render: (v: string) => <Tag color={OUTCOME_COLORS[v]}>{t(`import.o.${v}`)}</Tag> },
    { title: t('people.name'), dataIndex: 'name', key: 'name' },
    { title: t('people.phone'), dataIndex: 'phone', key: 'phone' },
    { title: t('people.unit'), dataIndex: 'unit', key: 'unit' },
    { title: t('people.role'), key: 'roles', render: (_, r) => r.role_names.join('、') },
    { title: t('import.detail'), key: 'detail', render: (_, r) => (
      <>{r.reason && <span className="field-error">{r.reason}</span>}{r.changes.join('；')}
        {r.one_time_code && <div>{t('import.code')} <Typography.Text code copyable className="one-time-code">{r.one_time_code}</Typography.Text></div>}</>) },
  ];
  const counts = result?.counts;
  return (
    <div className="page wide">
      <h2>{t('import.title')}</h2>
      <PeopleTabs current="import" />
      <p>{t('import.help')}</p>
      <div className="import-form">
        <label htmlFor="import-file">{t('import.file')}</label>
        <input id="import-file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); run.reset(); }} />
        <label htmlFor="import-reason">{t('people.reason')}</label>
        <Input id="import-reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('import.reasonHint')} />
        <div className="import-buttons">
          <Button size="large" disabled={!file} loading={run.isPending && run.variables === false} onClick={() => run.mutate(false)}>{t('import.dryRun')}</Button>
          <Button size="large" type="primary" disabled={!result || result.applied || (counts?.error ?? 1) > 0 || run.isPending}
            loading={run.isPending && run.variables === true} onClick={() => run.mutate(true)}>{t('import.apply')}</Button>
        </div>
      </div>
      {run.error && <Alert type="error" showIcon message={problemText(run.error, t).message} description={problemText(run.error, t).detail} />}
      {result && counts && (
        <Alert className="form-alert" showIcon type={result.applied ? 'success' : counts.error > 0 ? 'warning' : 'info'}
          message={result.applied ? t('import.applied') : counts.error > 0 ? t('import.hasErrors', { count: counts.error }) : t('import.readyToApply')}
          description={t('import.counts', counts)} />
      )}
      {result && <Table rowKey="row" columns={columns} dataSource={rows} pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 900 }} className="import-table" />}
    </div>
  );
}
