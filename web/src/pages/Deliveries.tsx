import { useState } from 'react';
import { Alert, Skeleton, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { NativeSelect } from '../components/NativeSelect';
import { formatInstant } from '../lib/time';
import type { Deliveries } from '../api/types';

type Status = 'pending' | 'sent' | 'failed';
const COLOURS: Record<Status, string> = { pending: 'gold', sent: 'green', failed: 'red' };

// 通知投递: the outbox as administrators check it — sent, waiting (until when) and failed (why).
export default function DeliveriesPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status | ''>('');
  const list = useQuery({
    queryKey: ['deliveries', status],
    queryFn: () => ok(api.GET('/api/admin/deliveries', { params: { query: { limit: 200, ...(status ? { status } : {}) } } })),
    refetchInterval: 30_000,
  });
  type Row = Deliveries['items'][number];
  return (
    <div className="page wide">
      <h2>{t('deliveries.title')}</h2>
      <div className="filters">
        <NativeSelect label={t('deliveries.status')} value={status || undefined} empty={t('deliveries.all')}
          onChange={(value) => setStatus((value ?? '') as Status | '')}
          options={(['pending', 'sent', 'failed'] as const).map((s) => ({ value: s, label: t(`deliveries.${s}`) }))} />
      </div>
      {list.error && <Alert type="error" showIcon message={t('error.load')} />}
      {list.isLoading && <Skeleton active />}
      {list.data && (
        <Table<Row> rowKey="id" size="small" pagination={{ pageSize: 50 }} dataSource={list.data.items} scroll={{ x: true }}
          columns={[
            { title: t('deliveries.when'), dataIndex: 'created_at', render: (v: string) => formatInstant(v) },
            { title: t('deliveries.to'), render: (_: unknown, r: Row) => r.user_id ?? t('deliveries.group', { id: r.address }) },
            { title: t('deliveries.channel'), dataIndex: 'channel' },
            { title: t('deliveries.message'), render: (_: unknown, r: Row) => <>{r.title}{r.case && <div className="muted">{r.case}</div>}</> },
            { title: t('deliveries.status'), render: (_: unknown, r: Row) => <Tag color={COLOURS[r.status]}>{t(`deliveries.${r.status}`)}</Tag> },
            { title: t('deliveries.attempts'), dataIndex: 'attempts' },
            { title: t('deliveries.next'), render: (_: unknown, r: Row) => r.status === 'pending' ? formatInstant(r.next_attempt_at) : r.sent_at ? formatInstant(r.sent_at) : '' },
            { title: t('deliveries.error'), dataIndex: 'last_error', render: (v: string | null) => v ? <span className="error-text">{v}</span> : '' },
          ]} />
      )}
    </div>
  );
}
