// 常用语管理: a unit's stock phrases for opinions — add, edit, reorder, delete and save (its administrators, as the
// API allows: PUT /api/units/{unit}/phrases), with the list inherited from the units above shown read-only.
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Input, Select, Space, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import '../i18n/handover';
import { api, ok } from '../api/client';
import { problemText } from '../lib/errors';
import { changed, MAX_PHRASE_LENGTH, moved, withPhrase } from '../lib/handover';
import { useAdminUnits } from '../lib/people';
import { Section } from '../components/Section';

function Phrases() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const units = useAdminUnits();
  const unit = params.get('unit') || units.data?.units[0]?.code || '';
  const current = useQuery({
    queryKey: ['phrases', unit], enabled: !!unit,
    queryFn: () => ok(api.GET('/api/units/{unit}/phrases', { params: { path: { unit } } })),
  });
  const data = current.data;
  const own = data && data.source === unit ? data.phrases : [];
  const [draft, setDraft] = useState<string[]>([]);
  const [adding, setAdding] = useState('');
  const [saved, setSaved] = useState(false);
  const ownKey = own.join('\n');
  useEffect(() => { setDraft(ownKey ? ownKey.split('\n') : []); }, [unit, ownKey]);
  const save = useMutation({
    mutationFn: (phrases: string[]) => ok(api.PUT('/api/units/{unit}/phrases', { params: { path: { unit } }, body: { phrases } })),
    onSuccess: (result) => {
      queryClient.setQueryData(['phrases', unit], result);
      setSaved(true);
    },
  });
  const inherited = data ? (data.source === unit ? data.inherited : data.phrases) : [];
  const inheritedFrom = data ? (data.source === unit ? data.inherited_from : data.source) : null;
  const editable = !!data?.editable;
  const dirty = changed(draft, own);
  const add = () => {
    const next = withPhrase(draft, adding);
    if (next) { setDraft(next); setAdding(''); setSaved(false); }
  };
  const edit = (next: string[]) => { setDraft(next); setSaved(false); save.reset(); };
  const unitName = (code: string | null | undefined) => (code ? units.data?.units.find((u) => u.code === code)?.name ?? code : t('phrasesEditor.defaults'));

  return (
    <div className="page phrases-page">
      <h2>{t('phrasesEditor.title')}</h2>
      <p className="muted">{t('phrasesEditor.intro')}</p>
      <label className="field-label" htmlFor="phrases-unit">{t('phrasesEditor.unit')}</label>
      <Select id="phrases-unit" className="full-width" value={unit || undefined} loading={units.isLoading} showSearch optionFilterProp="label"
        options={(units.data?.units ?? []).map((u) => ({ value: u.code, label: u.name }))}
        onChange={(code: string) => { setParams({ unit: code }); setSaved(false); save.reset(); }} />
      {current.error && <Alert type="error" showIcon message={problemText(current.error, t).message} description={problemText(current.error, t).detail} />}
      {data && (
        <>
          <Section title={<>{t('phrasesEditor.own')} {dirty && <Tag color="orange">{t('phrasesEditor.unsaved')}</Tag>}</>}>
            {!editable && <Alert type="info" showIcon message={t('phrasesEditor.readOnly')} className="form-alert" />}
            {draft.length === 0 && <p className="muted">{t('phrasesEditor.noOwn')}</p>}
            <ol className="phrase-editor">
              {draft.map((phrase, i) => (
                <li key={i}>
                  <div className="phrase-row">
                    <Input value={phrase} maxLength={MAX_PHRASE_LENGTH} disabled={!editable} aria-label={t('phrasesEditor.edit', { n: i + 1 })}
                      onChange={(e) => edit(draft.map((x, j) => (j === i ? e.target.value : x)))} />
                    {editable && (
                      <Space.Compact>
                        <Button aria-label={`${t('phrasesEditor.up')} ${i + 1}`} disabled={i === 0} onClick={() => edit(moved(draft, i, -1))}>↑</Button>
                        <Button aria-label={`${t('phrasesEditor.down')} ${i + 1}`} disabled={i === draft.length - 1} onClick={() => edit(moved(draft, i, 1))}>↓</Button>
                        <Button danger aria-label={`${t('phrasesEditor.delete')} ${i + 1}`} onClick={() => edit(draft.filter((_, j) => j !== i))}>{t('phrasesEditor.delete')}</Button>
                      </Space.Compact>
                    )}
                  </div>
                </li>
              ))}
            </ol>
            {editable && (
              <>
                <Space.Compact className="full-width phrase-add">
                  <Input value={adding} maxLength={MAX_PHRASE_LENGTH} placeholder={t('phrasesEditor.newPhrase')} aria-label={t('phrasesEditor.newPhrase')}
                    onChange={(e) => setAdding(e.target.value)} onPressEnter={add} />
                  <Button onClick={add} disabled={withPhrase(draft, adding) === null}>{t('phrasesEditor.add')}</Button>
                </Space.Compact>
                <p className="muted">{t('phrasesEditor.limit')}</p>
                {save.error && <Alert type="error" showIcon message={problemText(save.error, t).message} description={problemText(save.error, t).detail} className="form-alert" />}
                {saved && !dirty && <Alert type="success" showIcon message={t('phrasesEditor.saved')} className="form-alert" role="status" />}
                <Space wrap>
                  <Button type="primary" disabled={!dirty || draft.length === 0} loading={save.isPending} onClick={() => save.mutate(draft.map((x) => x.trim()))}>{t('phrasesEditor.save')}</Button>
                  {own.length === 0 && draft.length === 0 && inherited.length > 0 && <Button onClick={() => edit([...inherited])}>{t('phrasesEditor.copyInherited')}</Button>}
                  {own.length > 0 && <Button danger onClick={() => save.mutate([])}>{t('phrasesEditor.useInherited')}</Button>}
                </Space>
              </>
            )}
          </Section>
          <Section title={t('phrasesEditor.inherited')}>
            <p className="muted">{t('phrasesEditor.inheritedFrom', { unit: unitName(inheritedFrom) })}</p>
            <ol className="phrase-inherited">{inherited.map((p, i) => <li key={i}>{p}</li>)}</ol>
          </Section>
        </>
      )}
    </div>
  );
}

export default function PhrasesPage() {
  return <App component={false}><Phrases /></App>;
}
