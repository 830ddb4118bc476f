// The studio's panels below the diagram: problems, the selected element's code and instructions, the form editor,
// scenarios, deploy and migrate, versions. Each talks to the API through the generated client.
import { Component, lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, Button, Checkbox, Empty, Input, List, Select, Skeleton, Space, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { Markdown } from '../lib/markdown';
import { problemText } from '../lib/errors';
import { localizeUi, splitInstructions } from './extension';
import { formMetaSchema, prefillField, uiMetaSchema } from './formSchemas';

const SchemaForm = lazy(() => import('../components/SchemaForm'));
const JsonEditor = lazy(() => import('./JsonEditor'));
const ReadOnlyDiagram = lazy(() => import('./ReadOnlyDiagram'));

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
export type LintResult = Json<paths['/api/definitions/{key}/lint']['post']['responses'][200]>;
export type ScenarioReport = Json<paths['/api/definitions/{key}/scenarios/run']['post']['responses'][200]>;
export type DiffResult = Json<paths['/api/definitions/{key}/diff']['post']['responses'][200]>;
export type Called = Json<paths['/api/definitions/{key}/called']['get']['responses'][200]>;
export type Plan = Json<paths['/api/definitions/{key}/migrations']['get']['responses'][200]>;
export interface Draft { bpmn: Record<string, string>; forms: Record<string, Record<string, unknown>> }

export interface Finding {
  element: string | null;
  source: 'server' | 'bpmnlint';
  severity: string;
  message: string;
  rule?: string;
  file?: string;
}

/** A small sign beside a text (plain characters: the antd icons would be split into chunks the participant pages
 * share, and cost them bytes). */
function Mark({ kind }: { kind: 'ok' | 'error' | 'warn' }) {
  return <span className={`studio-mark icon-${kind}`} aria-hidden>{kind === 'ok' ? '✓' : kind === 'error' ? '✕' : '!'}</span>;
}

// ----- problems ---------------------------------------------------------------------------------------------

export function Problems({ findings, checking, onSelect, name }: {
  findings: Finding[]; checking: boolean; onSelect(id: string): void; name(id: string): string | null;
}) {
  const { t } = useTranslation();
  if (!findings.length) {
    return <p className="studio-ok" role="status">{checking ? t('studio.checking') : <><Mark kind="ok" /> {t('studio.noProblems')}</>}</p>;
  }
  return (
    <ul className="studio-problems" aria-label={t('studio.problems')}>
      {findings.map((f, i) => (
        <li key={`${f.element}-${f.rule ?? ''}-${i}`}>
          <button type="button" className="link-button" onClick={() => f.element && onSelect(f.element)} disabled={!f.element}
            data-element={f.element ?? ''}>
            {f.severity === 'error' ? <Mark kind="error" /> : <Mark kind="warn" />}
            {' '}<strong>{f.element ? (name(f.element) ?? f.element) : f.file}</strong>
            {f.element && <span className="muted"> {f.element}</span>}
            <span className="studio-problem-text">{f.message}</span>
            <Tag>{f.source === 'server' ? t('studio.sourceServer') : `bpmnlint ${f.rule}`}</Tag>
          </button>
        </li>
      ))}
    </ul>
  );
}

// ----- the selected element: its code checked as it is typed, the functions, its instructions ----------------

export function ElementHelp({ expressions, instructions }: {
  expressions: { label: string; source: string; mode: 'eval' | 'exec' }[]; instructions: string | null;
}) {
  const { t, i18n } = useTranslation();
  const [checked, setChecked] = useState<Record<string, string[]>>({});
  const functions = useQuery({ queryKey: ['studio-functions'], queryFn: () => ok(api.GET('/api/studio/functions')), staleTime: Infinity });
  const key = JSON.stringify(expressions);
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      const found: Record<string, string[]> = {};
      for (const e of expressions) {
        try {
          const answer = await ok(api.POST('/api/studio/expression', { body: { source: e.source, mode: e.mode } }));
          found[`${e.label}:${e.source}`] = answer.problems;
        } catch { /* shown again on the next change */ }
      }
      if (!cancelled) setChecked(found);
    }, 300);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const both = instructions ? splitInstructions(instructions) : null;
  return (
    <div className="studio-help">
      {expressions.length === 0 && !both && <p className="muted">{t('studio.selectHint')}</p>}
      {expressions.map((e) => {
        const problems = checked[`${e.label}:${e.source}`];
        return (
          <div key={e.label} className="studio-expression" data-expression={e.label}>
            <div><strong>{t(`studio.prop.${e.label}`)}</strong> <code>{e.source.length > 120 ? `${e.source.slice(0, 120)}…` : e.source}</code></div>
            {problems === undefined ? <span className="muted">{t('studio.checking')}</span>
              : problems.length === 0 ? <span className="studio-ok-inline"><Mark kind="ok" /> {t('studio.expressionOk')}</span>
                : problems.map((p) => <Alert key={p} type="error" showIcon message={p} className="studio-expression-error" />)}
          </div>
        );
      })}
      {both && (
        <div className="studio-instructions">
          <div><h4>中文</h4><Markdown>{both.zh}</Markdown></div>
          <div lang="en"><h4>English</h4><Markdown>{both.en}</Markdown></div>
        </div>
      )}
      <details className="studio-functions">
        <summary>{t('studio.functions')}</summary>
        <ul>
          {(functions.data ?? []).map((f) => (
            <li key={f.name}><code>{f.name}{f.signature}</code> — {i18n.language === 'en' ? f.en : f.zh}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}

// ----- the form of a user task ------------------------------------------------------------------------------

function titles(schema: unknown): { name: string; zh: string; en: string }[] {
  const props = (schema as { properties?: Record<string, { title?: string; 'x-i18n'?: { en?: { title?: string } } }> })?.properties ?? {};
  return Object.entries(props).map(([name, field]) => ({ name, zh: field?.title ?? name, en: field?.['x-i18n']?.en?.title ?? '' }));
}

/** The preview of a form being edited: a uiSchema naming a widget that does not exist (mid-typing) shows a note
 * instead of taking the studio down. */
class PreviewBoundary extends Component<{ children: ReactNode; failed: string }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(error: Error) { return { error: error.message.length > 160 ? `${error.message.slice(0, 160)}…` : error.message }; }
  render() {
    return this.state.error ? <Alert type="warning" showIcon message={this.props.failed} description={this.state.error} /> : this.props.children;
  }
}

export function FormEditor({ definitionKey, form, element, draft, onChange }: {
  definitionKey: string; form: { process: string; file: string } | null; element: string | null; draft: Draft;
  onChange(name: string, value: unknown): void;
}) {
  const { t, i18n } = useTranslation();
  const schemaKey = form ? `${form.process}/${form.file}` : '';
  const uiKey = schemaKey.replace(/\.schema\.json$/, '.uischema.json');
  const [text, setText] = useState('');
  const [uiText, setUiText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [data, setData] = useState<Record<string, unknown>>({});
  useEffect(() => {
    setText(schemaKey && draft.forms[schemaKey] ? JSON.stringify(draft.forms[schemaKey], null, 2) : '');
    setUiText(uiKey && draft.forms[uiKey] ? JSON.stringify(draft.forms[uiKey], null, 2) : '');
    setError(null);
    setData({});
  }, [schemaKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const available = useQuery({
    queryKey: ['studio-data', definitionKey, element],
    enabled: !!element && !!form,
    queryFn: () => ok(api.POST('/api/definitions/{key}/data', { params: { path: { key: definitionKey } }, body: { element_id: element ?? '', ...draft } })),
  });
  const schema = draft.forms[schemaKey];
  const uiSchemaOfForm = useMemo(() => uiMetaSchema(schema), [schema]);
  if (!form) return <p className="muted">{t('studio.formHint')}</p>;
  const apply = (which: 'schema' | 'ui', value: string) => {
    (which === 'schema' ? setText : setUiText)(value);
    try {
      const parsed = value.trim() ? JSON.parse(value) : undefined;
      setError(null);
      onChange(which === 'schema' ? schemaKey : uiKey, parsed);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  // a case value added as a field of the same name: the task opens with it filled in (forms.initial_values)
  const prefill = (name: string, zh: string, en: string) => {
    const current = (schema ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown> };
    if (current.properties?.[name]) return;
    const next = { ...current, properties: { ...(current.properties ?? {}), [name]: prefillField(name, zh, en, draft.forms) } };
    apply('schema', JSON.stringify(next, null, 2));
  };
  const has = (name: string) => !!(schema as { properties?: Record<string, unknown> } | undefined)?.properties?.[name];
  return (
    <div className="studio-form">
      <div className="studio-form-code">
        <label htmlFor="studio-schema-content"><strong>{form.file}</strong> (JSON Schema 2020-12)</label>
        <Suspense fallback={<Skeleton active />}>
          <JsonEditor id="studio-schema" label={`${form.file} (JSON Schema)`} value={text} schema={formMetaSchema}
            onChange={(value) => apply('schema', value)} minHeight={280} />
          <label htmlFor="studio-uischema-content">{uiKey.split('/')[1]} (uiSchema)</label>
          <JsonEditor id="studio-uischema" label={`${uiKey.split('/')[1]} (uiSchema)`} value={uiText} schema={uiSchemaOfForm}
            onChange={(value) => apply('ui', value)} minHeight={100} />
        </Suspense>
        <p className="muted studio-json-hint">{t('studio.jsonHint')}</p>
        {error && <Alert type="error" showIcon message={t('studio.jsonError')} description={error} />}
        <h4>{t('studio.labels')}</h4>
        <table className="plain-table studio-labels">
          <thead><tr><th scope="col">{t('studio.field')}</th><th scope="col">中文</th><th scope="col">English</th></tr></thead>
          <tbody>{titles(schema).map((f) => <tr key={f.name}><td><code>{f.name}</code></td><td>{f.zh}</td><td lang="en">{f.en || <span className="icon-warn">{t('studio.missingEnglish')}</span>}</td></tr>)}</tbody>
        </table>
        <h4>{t('studio.available')}</h4>
        <p className="muted">{t('studio.prefillHint')}</p>
        {available.isLoading ? <Skeleton active /> : (
          <ul className="studio-available">
            {(available.data ?? []).map((f) => (
              <li key={f.name}>
                <code>{f.name}</code> {f.title_zh !== f.name && f.title_zh} <span className="muted">{f.source ?? t('studio.everyCase')}</span>
                {' '}{has(f.name) ? <Tag color="green">{t('studio.prefilled')}</Tag>
                  : <Button size="small" onClick={() => prefill(f.name, f.title_zh, f.title_en)} aria-label={t('studio.prefillField', { name: f.name })}>{t('studio.addField')}</Button>}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="studio-phone" aria-label={t('studio.preview')}>
        <div className="studio-phone-title">{t('studio.preview')}</div>
        <Suspense fallback={<Skeleton active />}>
          <PreviewBoundary key={`${text}\u0000${uiText}`} failed={t('studio.previewFailed')}>
            {schema ? <SchemaForm schema={schema} uiSchema={localizeUi(draft.forms[uiKey], i18n.language)} formData={data} onChange={setData} /> : null}
          </PreviewBoundary>
        </Suspense>
      </div>
    </div>
  );
}

// ----- scenarios --------------------------------------------------------------------------------------------

/** Pass or fail per scenario, each with its failures and a button that draws its path on the diagram. */
function ScenarioResults({ report, onPath }: { report: ScenarioReport; onPath(path: string[]): void }) {
  const { t } = useTranslation();
  return (
    <List className="studio-results" dataSource={report.results} renderItem={(r) => (
      <List.Item actions={[<Button key="path" size="small" onClick={() => onPath(r.path)}>{t('studio.showPath')}</Button>]}>
        <List.Item.Meta
          avatar={r.passed ? <Mark kind="ok" /> : <Mark kind="error" />}
          title={<span data-scenario={r.passed ? 'passed' : 'failed'}>{r.name}</span>}
          description={r.failures.map((f) => (
            <div key={`${f.step}-${f.message}`}>{f.step ? t('studio.atStep', { step: f.step }) : ''}{f.element_id ? ` ${f.element_id}` : ''} {f.message}</div>
          ))} />
      </List.Item>
    )} />
  );
}

function ScenarioSummary({ report }: { report: ScenarioReport }) {
  const { t } = useTranslation();
  const passed = report.results.filter((r) => r.passed).length;
  return <span role="status" className={passed === report.results.length ? 'studio-pass' : 'studio-fail'}>
    {t('studio.scenarioSummary', { passed, total: report.results.length })}</span>;
}

/** The scenario file being edited: `text` (null: not edited yet, `initial` shows — the one stored with the
 * newest version, else the one shipped beside the process). */
export function Scenarios({ definitionKey, draft, onPath, text, initial, onText }: {
  definitionKey: string; draft: () => Promise<Draft>; onPath(path: string[]): void;
  text: string | null; initial: string; onText(text: string): void;
}) {
  const { t } = useTranslation();
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<ScenarioReport | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const source = text ?? initial;
  const run = async () => {
    setRunning(true);
    setFailure(null);
    try {
      setReport(await ok(api.POST('/api/definitions/{key}/scenarios/run', { params: { path: { key: definitionKey } }, body: { scenarios: source, ...(await draft()) } })));
    } catch (e) {
      setFailure(problemText(e, t).message);
    } finally {
      setRunning(false);
    }
  };
  return (
    <div className="studio-scenarios">
      <Space wrap>
        <Button type="primary" onClick={run} loading={running} disabled={!source}>{t('studio.runScenarios')}</Button>
        {report && <ScenarioSummary report={report} />}
      </Space>
      {failure && <Alert type="error" showIcon message={failure} />}
      {report && <ScenarioResults report={report} onPath={onPath} />}
      <label htmlFor="studio-scenario-text">{t('studio.scenarioFile', { key: definitionKey })}</label>
      <p className="muted">{t('studio.scenariosKept')}</p>
      <Input.TextArea id="studio-scenario-text" value={source} onChange={(e) => onText(e.target.value)} rows={12} className="code" spellCheck={false} />
    </div>
  );
}

// ----- deploy and migrate -----------------------------------------------------------------------------------

function DiffList({ diff }: { diff: DiffResult }) {
  const { t } = useTranslation();
  const rows = [
    ...diff.added.map((e) => ({ ...e, kind: 'added', what: [] as string[] })),
    ...diff.removed.map((e) => ({ ...e, kind: 'removed', what: [] as string[] })),
    ...diff.changed.map((e) => ({ ...e, kind: 'changed' })),
  ];
  if (!rows.length) return <p role="status">{t('studio.noDifference')}</p>;
  return (
    <ul className="studio-diff">
      {rows.map((r) => (
        <li key={`${r.kind}-${r.id}`}><Tag color={r.kind === 'added' ? 'green' : r.kind === 'removed' ? 'red' : 'gold'}>{t(`studio.${r.kind}`)}</Tag>
          {r.name ?? r.id} <span className="muted">{r.id}</span>{r.what.length > 0 && <> — {r.what.join(', ')}</>}</li>
      ))}
    </ul>
  );
}

export function DeployPanel({ definitionKey, draft, scenarios, onDiff, onDeployed }: {
  definitionKey: string; draft: () => Promise<Draft>; scenarios: string; onDiff(diff: DiffResult | null): void; onDeployed(version: number): void;
}) {
  const { t } = useTranslation();
  const [diff, setDiff] = useState<DiffResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [moved, setMoved] = useState<{ id: number; reference: string; text: string; ok: boolean }[]>([]);
  const path = { params: { path: { key: definitionKey } } };
  const compare = async () => {
    setBusy(true);
    try {
      const found = await ok(api.POST('/api/definitions/{key}/diff', { ...path, body: await draft() }));
      setDiff(found);
      onDiff(found);
    } catch (e) {
      setMessage({ type: 'error', text: problemText(e, t).message });
    } finally { setBusy(false); }
  };
  const loadPlan = async () => {
    const next = await ok(api.GET('/api/definitions/{key}/migrations', path));
    setPlan(next);
    setChosen(next.cases.filter((c) => c.can_migrate).map((c) => c.case_id));
  };
  const deploy = async () => {
    setBusy(true);
    try {
      // the scenario file as it is now is kept with the new version
      const result = await ok(api.POST('/api/definitions', { body: { ...(await draft()), ...(scenarios.trim() ? { scenarios: { [definitionKey]: scenarios } } : {}) } }));
      const mine = result.deployed.find((d) => d.key === definitionKey) ?? result.deployed[0];
      setMessage({ type: 'success', text: mine.created ? t('studio.deployed', { version: mine.version }) : t('studio.unchanged', { version: mine.version }) });
      onDeployed(mine.version);
      setDiff(null);
      onDiff(null);
      await loadPlan();
    } catch (e) {
      const problem = problemText(e, t);
      setMessage({ type: 'error', text: `${problem.message}${problem.detail ? `: ${problem.detail}` : ''}` });
    } finally { setBusy(false); }
  };
  const migrate = async () => {
    setBusy(true);
    try {
      const result = await ok(api.POST('/api/definitions/{key}/migrations', { ...path, body: { case_ids: chosen } }));
      const references = Object.fromEntries((plan?.cases ?? []).map((c) => [c.case_id, c.reference]));
      setMoved(result.results.map((r) => ({ id: r.case_id, reference: references[r.case_id] ?? String(r.case_id), ok: r.migrated,
        text: r.migrated ? t('studio.moved', { version: r.to_version }) : (r.reason ?? '') })));
      await loadPlan();
    } catch (e) {
      setMessage({ type: 'error', text: problemText(e, t).message });
    } finally { setBusy(false); }
  };
  return (
    <div className="studio-deploy">
      <Space wrap>
        <Button onClick={compare} loading={busy && !diff}>{t('studio.compare')}</Button>
        <Button type="primary" onClick={deploy} loading={busy} disabled={!diff}>{t('studio.deploy')}</Button>
        <Button onClick={() => loadPlan().catch(() => undefined)}>{t('studio.dryRun')}</Button>
      </Space>
      {message && <Alert type={message.type} showIcon message={message.text} role="status" />}
      {diff && <><h4>{t('studio.diffTitle')}</h4><DiffList diff={diff} /></>}
      {plan && (
        <>
          <h4>{t('studio.planTitle', { version: plan.to_version })}</h4>
          {plan.cases.length === 0 ? <p>{t('studio.noRunningCases')}</p> : (
            <ul className="studio-plan">
              {plan.cases.map((c) => (
                <li key={c.case_id} data-case={c.reference}>
                  <Checkbox disabled={!c.can_migrate} checked={chosen.includes(c.case_id)}
                    onChange={(e) => setChosen(e.target.checked ? [...chosen, c.case_id] : chosen.filter((id) => id !== c.case_id))}>
                    {c.reference} <span className="muted">v{c.from_version} → v{plan.to_version}</span>
                  </Checkbox>
                  {c.can_migrate ? <Tag color="green">{t('studio.canMove')}</Tag> : <Tag color="red">{t('studio.cannotMove')}</Tag>}
                  {c.reason && <span className="studio-reason">{c.reason}</span>}
                </li>
              ))}
            </ul>
          )}
          <Button onClick={migrate} disabled={!chosen.length} loading={busy}>{t('studio.migrate', { count: chosen.length })}</Button>
        </>
      )}
      {moved.length > 0 && (
        <div role="status">
          <ul className="studio-moved-list">
            {moved.map((m) => <li key={m.id} className={m.ok ? 'studio-moved' : 'studio-fail'}>{m.reference}: {m.text}</li>)}
          </ul>
        </div>
      )}
    </div>
  );
}

// ----- versions ---------------------------------------------------------------------------------------------

export function Versions({ definitionKey, version, onDiff, onPath }: {
  definitionKey: string; version: number; onDiff(diff: DiffResult | null): void; onPath(path: string[]): void;
}) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['studio-versions', definitionKey, version],
    queryFn: () => ok(api.GET('/api/definitions/{key}/versions', { params: { path: { key: definitionKey } } })),
  });
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<DiffResult | null>(null);
  const [rerun, setRerun] = useState<{ version: number; report?: ScenarioReport; failure?: string } | null>(null);
  const runStored = async (v: number) => {
    setRerun({ version: v });
    try {
      const report = await ok(api.POST('/api/definitions/{key}/scenarios/run', { params: { path: { key: definitionKey } }, body: { version: v } }));
      setRerun({ version: v, report });
    } catch (e) {
      setRerun({ version: v, failure: problemText(e, t).message });
    }
  };
  const options = useMemo(() => (list.data ?? []).map((v) => ({ value: v.version, label: `v${v.version} · ${v.created_by}` })), [list.data]);
  const compare = async () => {
    if (!from || !to) return;
    const found = await ok(api.POST('/api/definitions/{key}/diff', { params: { path: { key: definitionKey } }, body: { against: from, version: to } }));
    setDiff(found);
    onDiff(found);
  };
  const download = async (v: number) => {
    const content = await ok(api.GET('/api/definitions/{key}/versions/{version}', { params: { path: { key: definitionKey, version: v } } }));
    const name = `${definitionKey}.bpmn` in content.bpmn ? `${definitionKey}.bpmn` : Object.keys(content.bpmn)[0];
    const url = URL.createObjectURL(new Blob([content.bpmn[name]], { type: 'application/xml' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${definitionKey}-v${v}.bpmn`;
    link.click();
    URL.revokeObjectURL(url);
  };
  if (list.isLoading) return <Skeleton active />;
  if (!list.data?.length) return <Empty />;
  return (
    <div className="studio-versions">
      <ul>
        {list.data.map((v) => (
          <li key={v.version} data-version={v.version}>v{v.version} <span className="muted">{v.created_by} · {v.created_at.slice(0, 16).replace('T', ' ')}</span>
            {' '}<Button size="small" onClick={() => download(v.version)}>{t('studio.download')}</Button>
            {' '}{v.has_scenarios
              ? <Button size="small" onClick={() => runStored(v.version)} loading={rerun?.version === v.version && !rerun.report && !rerun.failure}
                aria-label={t('studio.rerunVersion', { version: v.version })}>{t('studio.rerun')}</Button>
              : <span className="muted">{t('studio.noStoredScenarios')}</span>}</li>
        ))}
      </ul>
      {rerun && (rerun.report || rerun.failure) && (
        <div className="studio-rerun" data-version={rerun.version}>
          <h4>{t('studio.rerunTitle', { version: rerun.version })}</h4>
          {rerun.failure ? <Alert type="error" showIcon message={rerun.failure} /> : rerun.report && <>
            <ScenarioSummary report={rerun.report} />
            <ScenarioResults report={rerun.report} onPath={onPath} />
          </>}
        </div>
      )}
      <Space wrap>
        <Select aria-label={t('studio.from')} placeholder={t('studio.from')} options={options} value={from} onChange={setFrom} style={{ minWidth: 140 }} />
        <Select aria-label={t('studio.to')} placeholder={t('studio.to')} options={options} value={to} onChange={setTo} style={{ minWidth: 140 }} />
        <Button onClick={compare} disabled={!from || !to}>{t('studio.compareVersions')}</Button>
      </Space>
      {diff && <DiffList diff={diff} />}
    </div>
  );
}

// ----- the processes a method calls (shared BPMN in processes/) ------------------------------------------------

/** Each called process read-only, with the other methods that use it; when a newer version of it has been deployed
 * on its own, "adopt" puts that version's file and forms into this draft (deployed with it, new cases use it). */
export function CalledProcesses({ definitionKey, version, files, adopted, onAdopt }: {
  definitionKey: string; version: number; files: Record<string, string>; adopted: string[];
  onAdopt(file: string, xml: string, processId: string, forms: Record<string, Record<string, unknown>>): void;
}) {
  const { t } = useTranslation();
  const called = useQuery({
    queryKey: ['studio-called', definitionKey, version],
    queryFn: () => ok(api.GET('/api/definitions/{key}/called', { params: { path: { key: definitionKey }, query: { version } } })),
  });
  const [open, setOpen] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const adopt = async (c: Called[number]) => {
    setFailure(null);
    try {
      const own = await ok(api.GET('/api/definitions/{key}/versions/{version}', { params: { path: { key: c.process_id, version: c.own_version ?? 1 } } }));
      const forms = Object.fromEntries(Object.entries(own.forms).filter(([k]) => k.startsWith(`${c.process_id}/`))) as Record<string, Record<string, unknown>>;
      onAdopt(c.file, own.bpmn[c.file], c.process_id, forms);
    } catch (e) {
      setFailure(problemText(e, t).message);
    }
  };
  if (called.isLoading) return <Skeleton active />;
  if (!called.data?.length) return <p className="muted">{t('studio.noCalled')}</p>;
  return (
    <div className="studio-called">
      <p className="muted">{t('studio.calledNote')}</p>
      {failure && <Alert type="error" showIcon message={failure} />}
      <ul>
        {called.data.map((c) => (
          <li key={c.file} data-called={c.process_id}>
            <div><strong>{c.name}</strong> <span className="muted">{c.process_id} · {c.file}</span></div>
            <div>{c.used_by.length
              ? <>{t('studio.alsoUsedBy')} {c.used_by.map((m, i) => <span key={m.key}>{i > 0 && '、'}<Link to={`/studio/${m.key}`}>{m.name}</Link></span>)}</>
              : t('studio.onlyHere')}</div>
            <Space wrap>
              {adopted.includes(c.file) ? <Tag color="blue">{t('studio.adopted', { version: c.own_version })}</Tag>
                : c.own_version === null ? null
                  : c.same_as_own ? <Tag color="green">{t('studio.sameAsOwn', { version: c.own_version })}</Tag>
                    : <><Tag color="gold">{t('studio.newerOwn', { version: c.own_version })}</Tag>
                      <Button size="small" onClick={() => adopt(c)}>{t('studio.adopt', { version: c.own_version })}</Button></>}
              <Button size="small" onClick={() => setOpen(open === c.file ? null : c.file)} aria-expanded={open === c.file}>
                {open === c.file ? t('studio.hideCalled') : t('studio.showCalled')}</Button>
              {c.own_version !== null && <Link to={`/studio/${c.process_id}`}>{t('studio.editCalled')}</Link>}
            </Space>
            {open === c.file && files[c.file] && (
              <Suspense fallback={<Skeleton active />}>
                <ReadOnlyDiagram xml={files[c.file]} label={t('studio.calledDiagram', { name: c.name })} />
              </Suspense>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
