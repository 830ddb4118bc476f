// A JSON editor (CodeMirror 6) that completes, checks and explains against a JSON Schema as the designer types
// (codemirror-json-schema): problems are underlined where they are, marked in the gutter and listed under the
// editor. Part of the studio's lazy chunk only.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, hoverTooltip, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { forEachDiagnostic, lintGutter, linter } from '@codemirror/lint';
import { json, jsonLanguage, jsonParseLinter } from '@codemirror/lang-json';
import { handleRefresh, jsonSchemaHover, stateExtensions, updateSchema } from 'codemirror-json-schema';
import { completeJson, schemaProblems } from './jsonCheck';

export interface JsonProblem { line: number; message: string }

/** The problems the editor shows now (the JSON parser's and the schema's), with their line. */
export function problemsOf(state: EditorState): JsonProblem[] {
  const found: JsonProblem[] = [];
  forEachDiagnostic(state, (d, from) => {
    found.push({ line: state.doc.lineAt(Math.min(from, state.doc.length)).number, message: d.message });
  });
  return found;
}

/** The extensions of an editor checked against `schema` (also what the tests build their editor state from). */
export function jsonExtensions(schema: Record<string, unknown>): Extension[] {
  return [
    lineNumbers(), history(), EditorView.lineWrapping, drawSelection(), highlightActiveLine(), bracketMatching(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    closeBrackets(), autocompletion(), lintGutter(), // a quote typed comes with its closing one: completion needs it
    keymap.of([...closeBracketsKeymap, ...completionKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
    json(), linter(jsonParseLinter(), { delay: 300 }),
    linter((view) => schemaProblems(view.state), { needsRefresh: handleRefresh, delay: 300 }),
    jsonLanguage.data.of({ autocomplete: completeJson }),
    hoverTooltip(jsonSchemaHover()),
    stateExtensions(schema as never),
  ];
}

export default function JsonEditor({ id, label, value, schema, onChange, minHeight = 120 }: {
  id: string; label: string; value: string; schema: Record<string, unknown>; onChange(text: string): void; minHeight?: number;
}) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  const [problems, setProblems] = useState<JsonProblem[]>([]);

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          ...jsonExtensions(schema),
          EditorView.contentAttributes.of({ 'aria-label': label, id: `${id}-content` }),
          EditorView.theme({ '&': { minHeight: `${minHeight}px` }, '.cm-scroller': { minHeight: `${minHeight}px` } }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
            if (update.transactions.some((t) => t.effects.length > 0) || update.docChanged) setProblems(problemsOf(update.state));
          }),
        ],
      }),
    });
    view.current = editor;
    return () => { editor.destroy(); view.current = null; };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => { // a new text from outside (another form chosen, a field added): replace the document
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => { if (view.current) updateSchema(view.current, schema as never); }, [schema]);

  return (
    <div className="studio-json" id={id} data-problems={problems.length}>
      <div ref={host} className="studio-json-editor" />
      {problems.length > 0 && (
        <ul className="studio-json-problems" aria-live="polite">
          {problems.map((p, i) => <li key={`${p.line}-${i}`}><span className="studio-mark icon-error" aria-hidden>✕</span> {t('studio.line', { line: p.line })}: {p.message}</li>)}
        </ul>
      )}
    </div>
  );
}
