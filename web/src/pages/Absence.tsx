// 请假代理: my absences with a stand-in (current and upcoming, and those I stand in for), naming a stand-in among
// the members holding my roles in my units for Beijing dates with a reason, and ending or cancelling one early.
import { useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Select, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import '../i18n/handover';
import { api, ok } from '../api/client';
import { problemText } from '../lib/errors';
import { beijingDay, personLabel, pickedDay } from '../lib/handover';
import { useAdminUnits } from '../lib/people';
import { useRoleName } from '../components/bits';
import { Section } from '../components/Section';
import { useSession } from '../session';

interface Values { range?: [Dayjs, Dayjs]; stand_in?: string; reason?: string }
type Ending = { id: number; running: boolean; name: string };

/** An administrator's view: the stand-ins of the members of a unit they manage (GET /api/stand-ins?unit=). */
function UnitStandIns({ onEnd }: { onEnd: (which: Ending) => void }) {
  const { t } = useTranslation();
  const units = useAdminUnits();
  const [unit, setUnit] = useState<string | undefined>();
  const chosen = unit ?? units.data?.units[0]?.code;
  const list = useQuery({ queryKey: ['stand-ins', chosen], enabled: !!chosen,
    queryFn: () => ok(api.GET('/api/stand-ins', { params: { query: { unit: chosen } } })) });
  return (
    <Section title={t('absence.unitView')}>
      <p className="muted">{t('absence.unitViewHelp')}</p>
      <Select className="full-width" value={chosen} onChange={setUnit} aria-label={t('phrasesEditor.unit')} showSearch optionFilterProp="label"
        options={(units.data?.units ?? []).map((u) => ({ value: u.code, label: u.name }))} />
      {list.error && <Problem error={list.error} />}
      {list.data?.items.length === 0 && <p className="muted">{t('absence.unitNone')}</p>}
      <ul className="plain-list stand-in-list">
        {(list.data?.items ?? []).map((s) => (
          <li key={s.id} className="stand-in-card">
            <div className="stand-in-head">
              <strong>{t('absence.whoFor', { user: personLabel(s.user_name, s.user_id), name: personLabel(s.stand_in_name, s.stand_in) })}</strong>
              <Tag color={s.state === 'running' ? 'green' : 'blue'}>{t(`absence.state.${s.state}`, { defaultValue: s.state })}</Tag>
            </div>
            <div>{t('absence.dates', { from: String(s.valid_from), to: String(s.valid_to) })} · {s.reason}</div>
            {s.may_end && (
              <Button size="small" className="stand-in-end" onClick={() => onEnd({ id: s.id, running: s.state === 'running', name: personLabel(s.stand_in_name, s.stand_in) })}>
                {s.state === 'running' ? t('absence.end') : t('absence.cancel')}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </Section>
  );
}
type Outcome = { kind: 'set' | 'ended' | 'cancelled'; name: string; moved: number; kept: { reference?: string | null; step?: string | null; why?: unknown }[] };

function Problem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const text = problemText(error, t);
  return <Alert type="error" showIcon message={text.message} description={text.detail} className="form-alert" />;
}

function Absence() {
  const { t } = useTranslation();
  const { me } = useSession();
  const roleName = useRoleName();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [ending, setEnding] = useState<Ending | null>(null);
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const health = useQuery({ queryKey: ['health'], queryFn: () => ok(api.GET('/api/health')) });
  const today = beijingDay(health.data?.now) || dayjs().format('YYYY-MM-DD');
  const list = useQuery({ queryKey: ['stand-ins'], queryFn: () => ok(api.GET('/api/stand-ins')) });
  const candidates = useQuery({ queryKey: ['stand-in-candidates'], queryFn: () => ok(api.GET('/api/stand-ins/candidates')) });
  const nameOf = (id: string) => personLabel(candidates.data?.items.find((c) => c.user === id)?.display_name, id);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['stand-ins'] });
    void queryClient.invalidateQueries({ queryKey: ['tasks'] });
  };
  const set = useMutation({
    mutationFn: (v: Values) => ok(api.POST('/api/stand-ins', { body: {
      user: me?.user ?? '', stand_in: v.stand_in ?? '', valid_from: pickedDay(v.range![0]), valid_to: pickedDay(v.range![1]),
      reason: (v.reason ?? '').trim() } })),
    onSuccess: (result) => {
      setOutcome({ kind: 'set', name: nameOf(result.stand_in), moved: result.moved.length, kept: result.kept });
      form.resetFields();
      refresh();
    },
  });
  const end = useMutation({
    mutationFn: (which: Ending) => ok(api.POST('/api/stand-ins/{stand_in_id}/end', {
      params: { path: { stand_in_id: which.id } }, body: { reason: note.trim() || null } })),
    onSuccess: (result, which) => {
      setOutcome({ kind: result.state === 'cancelled' ? 'cancelled' : 'ended', name: which.name, moved: result.moved.length, kept: result.kept });
      setEnding(null);
      refresh();
    },
  });
  const items = list.data?.items ?? [];
  const options = (candidates.data?.items ?? []).map((c) => ({
    value: c.user,
    label: `${personLabel(c.display_name, c.user)} · ${t('absence.shares', { roles: [...new Set(c.shared.map((s) => roleName(s.role)))].join('、') })}`,
  }));

  return (
    <div className="page absence-page">
      <h2>{t('absence.title')}</h2>
      <p className="muted">{t('absence.intro')}</p>
      {outcome && (
        <Alert type="success" showIcon closable onClose={() => setOutcome(null)} className="form-alert" role="status"
          message={outcome.kind === 'set' ? t('absence.saved', { name: outcome.name })
            : outcome.kind === 'ended' ? t('absence.ended', { count: outcome.moved }) : t('absence.cancelled')}
          description={<>
            {outcome.kind === 'set' && <div>{outcome.moved > 0 ? t('absence.moved', { count: outcome.moved, name: outcome.name }) : t('absence.movedNone', { name: outcome.name })}</div>}
            {outcome.kept.length > 0 && <div>{t('absence.kept', { count: outcome.kept.length })}
              <ul className="plain-list">{outcome.kept.map((k, i) => <li key={i}>{k.reference} {k.step} — {String(k.why ?? '')}</li>)}</ul></div>}
          </>} />
      )}
      <Section title={t('absence.current')}>
        {list.error && <Problem error={list.error} />}
        {items.length === 0 && !list.isLoading && <p className="muted">{t('absence.none')}</p>}
        <ul className="plain-list stand-in-list">
          {items.map((s) => {
            const mine = s.user_id === me?.user;
            const running = s.state === 'running';
            return (
              <li key={s.id} className="stand-in-card">
                <div className="stand-in-head">
                  <strong>{mine ? t('absence.forMe', { name: personLabel(s.stand_in_name, s.stand_in) }) : t('absence.iStandIn', { name: personLabel(s.user_name, s.user_id) })}</strong>
                  <Tag color={running ? 'green' : 'blue'}>{t(`absence.state.${s.state}`, { defaultValue: s.state })}</Tag>
                </div>
                <div>{t('absence.dates', { from: String(s.valid_from), to: String(s.valid_to) })}</div>
                <div className="muted">{t('absence.reasonLabel')}：{s.reason}</div>
                {s.may_end && (
                  <Button size="small" danger={running} className="stand-in-end" onClick={() => { end.reset(); setNote(''); setEnding({ id: s.id, running, name: personLabel(s.stand_in_name, s.stand_in) }); }}>
                    {running ? t('absence.end') : t('absence.cancel')}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      </Section>
      <Section title={t('absence.set')}>
        {candidates.data && candidates.data.items.length === 0
          ? <Alert type="info" showIcon message={t('absence.noCandidates')} />
          : (
            <Form form={form} layout="vertical" onFinish={(v) => set.mutate(v)} requiredMark={false}>
              <Form.Item name="range" label={t('absence.range')} rules={[{ required: true, message: t('absence.rangeRequired') }]}>
                <DatePicker.RangePicker className="full-width" inputReadOnly allowClear={false}
                  disabledDate={(d) => pickedDay(d) < today} placeholder={[today, today]} />
              </Form.Item>
              <Form.Item name="stand_in" label={t('absence.standIn')} extra={t('absence.standInHelp')} rules={[{ required: true, message: t('absence.standInRequired') }]}>
                <Select options={options} loading={candidates.isLoading} showSearch optionFilterProp="label" />
              </Form.Item>
              <Form.Item name="reason" label={t('absence.reason')} rules={[{ required: true, whitespace: true, message: t('absence.reasonRequired') }]}>
                <Input.TextArea rows={2} maxLength={500} placeholder={t('absence.reasonPlaceholder')} />
              </Form.Item>
              {set.error && <Problem error={set.error} />}
              <Button type="primary" htmlType="submit" block size="large" loading={set.isPending}>{t('absence.submit')}</Button>
            </Form>
          )}
      </Section>
      {(me?.is_admin || me?.is_unit_admin) && <UnitStandIns onEnd={(which) => { end.reset(); setNote(''); setEnding(which); }} />}
      <Modal open={ending !== null} title={ending?.running ? t('absence.endTitle') : t('absence.cancelTitle')} destroyOnHidden
        okText={t('common.confirm')} cancelText={t('common.cancel')} confirmLoading={end.isPending} okButtonProps={{ danger: true }}
        onCancel={() => setEnding(null)} onOk={() => ending && end.mutate(ending)}>
        {ending?.running && <p>{t('absence.endHelp')}</p>}
        <label className="field-label" htmlFor="stand-in-end-note">{t('absence.endReason')}</label>
        <Input.TextArea id="stand-in-end-note" rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        {end.error && <Problem error={end.error} />}
      </Modal>
    </div>
  );
}

export default function AbsencePage() {
  return <App component={false}><Absence /></App>;
}
