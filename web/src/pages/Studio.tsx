// The designers' studio (流程设计): open a method, edit its diagram and the Yishi properties, its forms with a
// live phone preview, see every problem (server lint and bpmnlint) on its element, run the scenarios, tidy the
// diagram, compare and deploy, migrate running cases, compare and download versions. Lazy-loaded; designers and
// administrators only.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Select, Skeleton, Space, Tabs } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { useDefinitions, useRoles } from '../lib/queries';
import { NativeSelect } from '../components/NativeSelect';
import { problemText } from '../lib/errors';
import Modeler, { type Marks, type ModelerHandle } from '../studio/Modeler';
import { bpmnlint } from '../studio/bpmnlint';
import { CalledProcesses, DeployPanel, ElementHelp, FormEditor, Problems, Scenarios, Versions, type DiffResult, type Draft, type Finding } from '../studio/panels';
import '../studio/locales';
import '../studio/studio.css';

function StudioList() {
  const { t } = useTranslation();
  const definitions = useDefinitions();
  return (
    <div className="page">
      <h2>{t('studio.title')}</h2>
      <p>{t('studio.intro')}</p>
      {definitions.isLoading && <Skeleton active />}
      <ul className="studio-list">
        {(definitions.data ?? []).map((d) => (
          <li key={d.key}><Link to={`/studio/${d.key}`}>{d.name}</Link> <span className="muted">{d.key} · v{d.version}</span></li>
        ))}
      </ul>
    </div>
  );
}

function diffMarks(diff: DiffResult | null): Marks {
  const marks: Marks = {};
  for (const e of diff?.added ?? []) marks[e.id] = 'added';
  for (const e of diff?.changed ?? []) marks[e.id] = 'changed';
  return marks;
}

function StudioEditor({ definitionKey }: { definitionKey: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const roles = useRoles();
  const versions = useQuery({
    queryKey: ['studio-versions', definitionKey],
    queryFn: () => ok(api.GET('/api/definitions/{key}/versions', { params: { path: { key: definitionKey } } })),
  });
  const newest = versions.data?.[versions.data.length - 1]?.version;
  const content = useQuery({
    queryKey: ['studio-content', definitionKey, newest],
    enabled: !!newest,
    queryFn: () => ok(api.GET('/api/definitions/{key}/versions/{version}', { params: { path: { key: definitionKey, version: newest ?? 1 } } })),
    staleTime: Infinity,
    placeholderData: (previous) => previous, // the panels stay while a new version loads after a deploy
  });
  const modeler = useRef<ModelerHandle>(null);
  const [forms, setForms] = useState<Draft['forms']>({});
  const [findings, setFindings] = useState<Finding[]>([]);
  const [checking, setChecking] = useState(false);
  const [selected, setSelected] = useState<{ id: string; type: string } | null>(null);
  const [tab, setTab] = useState('problems');
  const [overlay, setOverlay] = useState<Marks>({});
  const [revision, setRevision] = useState(0);
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [xml, setXml] = useState('');
  const [scenarioText, setScenarioText] = useState<string | null>(null);
  const [adopted, setAdopted] = useState<Record<string, string>>({}); // called processes' files taken from their newest versions
  const shipped = useQuery({
    queryKey: ['studio-scenarios', definitionKey],
    queryFn: () => ok(api.GET('/api/definitions/{key}/scenarios', { params: { path: { key: definitionKey } } })),
  });
  // the scenarios kept with the newest version, else the file shipped beside the process
  const scenarios = scenarioText ?? content.data?.scenarios ?? shipped.data?.text ?? '';
  const main = content.data ? (`${definitionKey}.bpmn` in content.data.bpmn ? `${definitionKey}.bpmn` : Object.keys(content.data.bpmn)[0]) : '';

  useEffect(() => {
    if (!content.data) return;
    setForms(content.data.forms as Draft['forms']);
    setXml(content.data.bpmn[main]);
    setAdopted({}); // a new version (after a deploy) holds the files adopted into its draft
  }, [content.data, main]);

  const draft = useCallback(async (): Promise<Draft> => {
    const edited = modeler.current ? await modeler.current.xml() : xml;
    return { bpmn: { ...(content.data?.bpmn ?? {}), ...adopted, [main]: edited }, forms };
  }, [content.data, adopted, forms, main, xml]);

  // lint on every change (server lint and bpmnlint), a moment after the designer stops
  useEffect(() => {
    if (!content.data || !modeler.current) return;
    let cancelled = false;
    setChecking(true);
    const timer = setTimeout(async () => {
      try {
        const body = await draft();
        const [server, local] = await Promise.all([
          ok(api.POST('/api/definitions/{key}/lint', { params: { path: { key: definitionKey } }, body })),
          bpmnlint(modeler.current?.definitions()),
        ]);
        if (cancelled) return;
        setFindings([
          ...server.problems.map((p) => ({ element: p.element_id ?? null, source: 'server' as const, severity: p.severity, message: p.message, file: p.file })),
          ...local.map((p) => ({ element: p.element || null, source: 'bpmnlint' as const, severity: p.category === 'error' ? 'error' : 'warning', message: p.message, rule: p.rule })),
        ]);
      } catch (e) {
        if (!cancelled) setFindings([{ element: null, source: 'server', severity: 'error', message: problemText(e, t).message }]);
      } finally {
        if (!cancelled) setChecking(false);
      }
    }, 700);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [revision, forms, content.data]); // eslint-disable-line react-hooks/exhaustive-deps

  const problemMarks = useMemo(() => {
    const marks: Marks = {};
    const badges: Record<string, number> = {};
    for (const f of findings) {
      if (!f.element) continue;
      badges[f.element] = (badges[f.element] ?? 0) + 1;
      if (f.severity === 'error' || marks[f.element] !== 'problem') marks[f.element] = f.severity === 'error' ? 'problem' : 'warning';
    }
    return { marks, badges };
  }, [findings]);

  const showPath = (path: string[]) => setOverlay(Object.fromEntries(path.map((id) => [id, 'path'])));
  const tidy = async () => {
    try {
      const answer = await ok(api.POST('/api/studio/tidy', { body: { bpmn: await modeler.current!.xml() } }));
      await modeler.current!.load(answer.bpmn);
      setNotice({ type: 'success', text: t('studio.tidied') });
    } catch (e) {
      setNotice({ type: 'error', text: problemText(e, t).message });
    }
  };
  const download = async () => {
    const url = URL.createObjectURL(new Blob([await modeler.current!.xml()], { type: 'application/xml' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = main;
    link.click();
    URL.revokeObjectURL(url);
  };

  const expressions = selected && modeler.current ? modeler.current.expressions(selected.id) : [];
  const instructions = useMemo(() => {
    if (!selected || selected.type !== 'bpmn:UserTask' || !modeler.current) return null;
    return modeler.current.instructions(selected.id);
  }, [selected, revision]); // eslint-disable-line react-hooks/exhaustive-deps
  const form = selected && modeler.current ? modeler.current.formOf(selected.id) : null;

  if (versions.error || content.error) return <div className="page"><Alert type="error" showIcon message={t('error.load')} /></div>;
  if (!content.data || !roles.data) return <div className="page"><Skeleton active /></div>;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const panels = [
    { key: 'problems', label: `${t('studio.problems')} ${checking ? '…' : `(${findings.length})`}`, children: (
      <>
        <p className={errors ? 'studio-fail' : 'studio-pass'} role="status" data-errors={errors}>{t('studio.problemSummary', { errors, total: findings.length })}</p>
        <Problems findings={findings} checking={checking} onSelect={(id) => modeler.current?.select(id)}
          name={(id) => modeler.current?.elementName(id) ?? null} />
      </>) },
    { key: 'element', label: t('studio.elementTab'), children: <ElementHelp expressions={expressions} instructions={instructions} /> },
    { key: 'form', label: t('studio.formTab'), children: (
      <FormEditor definitionKey={definitionKey} form={form} element={selected?.id ?? null} draft={{ bpmn: content.data.bpmn, forms }}
        onChange={(name, value) => setForms((current) => {
          const next = { ...current };
          if (value === undefined) delete next[name];
          else next[name] = value as Record<string, unknown>;
          return next;
        })} />) },
    { key: 'scenarios', label: t('studio.tests'), children: (
      <Scenarios definitionKey={definitionKey} draft={draft} onPath={showPath} text={scenarioText} initial={scenarios} onText={setScenarioText} />) },
    { key: 'deploy', label: t('studio.deployTab'), children: (
      <DeployPanel definitionKey={definitionKey} draft={draft} scenarios={scenarios} onDiff={(diff) => setOverlay(diffMarks(diff))}
        onDeployed={() => client.invalidateQueries({ queryKey: ['studio-versions', definitionKey] })} />) },
    { key: 'called', label: t('studio.calledTab'), children: (
      <CalledProcesses definitionKey={definitionKey} version={content.data.version} files={{ ...content.data.bpmn, ...adopted }}
        adopted={Object.keys(adopted)}
        onAdopt={(file, text, processId, calledForms) => {
          setAdopted((current) => ({ ...current, [file]: text }));
          setForms((current) => ({ ...Object.fromEntries(Object.entries(current).filter(([k]) => !k.startsWith(`${processId}/`))), ...calledForms }));
        }} />) },
    { key: 'versions', label: t('studio.versions'), children: (
      <Versions definitionKey={definitionKey} version={content.data.version} onDiff={(diff) => setOverlay(diffMarks(diff))} onPath={showPath} />) },
  ];

  return (
    <div className="page studio wide">
      <div className="studio-head">
        <div>
          <Link to="/studio">← {t('studio.title')}</Link>
          <h2>{content.data.name} <span className="muted">{definitionKey} · v{content.data.version}</span></h2>
        </div>
        <Space wrap className="studio-toolbar">
          <Select showSearch aria-label={t('studio.find')} placeholder={t('studio.find')} className="studio-find" value={null}
            optionFilterProp="label" onChange={(id: string) => modeler.current?.select(id)}
            onDropdownVisibleChange={(open) => open && setRevision((n) => n)}
            options={(modeler.current?.elements() ?? []).map((e) => ({ value: e.id, label: `${e.name ?? ''} ${e.id}`.trim() }))} />
          <Button onClick={() => modeler.current?.fit()}>{t('studio.fit')}</Button>
          <Button onClick={tidy}>{t('studio.tidy')}</Button>
          <Button onClick={() => setTab('scenarios')}>{t('studio.tests')}</Button>
          <Button onClick={() => setTab('deploy')} type="primary">{t('studio.deployTab')}</Button>
          <Button onClick={download}>{t('studio.downloadDraft')}</Button>
        </Space>
      </div>
      {notice && <Alert type={notice.type} showIcon message={notice.text} closable onClose={() => setNotice(null)} />}
      <Modeler ref={modeler} xml={xml} roles={roles.data.map((r) => ({ code: r.code, zh: r.zh, en: r.en }))}
        marks={{ ...problemMarks.marks, ...overlay }} badges={problemMarks.badges} label={t('studio.canvas')}
        onChange={() => setRevision((n) => n + 1)}
        onSelect={(id, type) => setSelected(id && type ? { id, type } : null)} />
      {/* On a narrow screen the tab bar is a native select: the tabs would not fit, and on a phone antd drops its
          overflow menu and leaves the hidden tabs to a sideways swipe nobody finds (styles in studio.css). */}
      <Tabs activeKey={tab} onChange={setTab} className="studio-tabs" renderTabBar={(props, TabBar) => (
        <>
          <NativeSelect className="studio-tab-select" label={t('studio.panel')} value={tab} onChange={(key) => key && setTab(key)}
            options={panels.map((p) => ({ value: p.key, label: p.label }))} />
          <TabBar {...props} />
        </>)} items={panels} />
    </div>
  );
}

export default function StudioPage() {
  const { key } = useParams();
  return key ? <StudioEditor key={key} definitionKey={key} /> : <StudioList />;
}
