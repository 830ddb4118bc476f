// The form editor's checks and completion against a JSON Schema, on codemirror-json-schema, with three mends
// for what its 0.8 release does with the schemas of formSchemas.ts:
//  - a problem is placed on the value or key it names (found in the syntax tree by the path in its message): the
//    release marks the colon before a value, the whole object around a key it does not allow, and the start of
//    the document for an item of a list;
//  - completion inside an object that already has keys, under a `$ref`, finds nothing: completion reads a copy
//    of the schema whose bare `$ref`s are wrapped in `anyOf`, which it follows (the checks keep the bare ones,
//    under which they report each problem where it is);
//  - "does not match any schema of `[…]`" on `type` says which types there are;
//  - a document that is not JSON yet (half typed) is not checked against the schema (the release checks a
//    best-effort guess of it and reports keys of the whole form as misplaced); the JSON parser's problem shows.
import { EditorState } from '@codemirror/state';
import type { SyntaxNode } from '@lezer/common';
import { ensureSyntaxTree, syntaxTree } from '@codemirror/language';
import type { Diagnostic } from '@codemirror/lint';
import type { EditorView } from '@codemirror/view';
import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';
import { getJSONSchema, jsonCompletion, jsonSchemaLinter, stateExtensions } from 'codemirror-json-schema';

type Schema = Record<string, unknown>;
const VALUE_NODES = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);

interface Span { from: number; to: number }

/** The value that starts after `pos` (past spaces and a colon). */
function valueAfter(state: EditorState, pos: number): Span | null {
  const skip = /^\s*/.exec(state.doc.sliceString(pos, Math.min(state.doc.length, pos + 100)))?.[0].length ?? 0;
  let node: SyntaxNode | null = syntaxTree(state).resolveInner(pos + skip, 1);
  while (node && !(VALUE_NODES.has(node.name) && node.from === pos + skip)) node = node.parent;
  return node ? { from: node.from, to: node.to } : null;
}

/** Where the value at `path` (and, with `key`, that key of it) is in the document, from the syntax tree. */
function locate(state: EditorState, path: string[], key?: string): Span | null {
  const tree = ensureSyntaxTree(state, state.doc.length, 200) ?? syntaxTree(state);
  const values = (node: SyntaxNode) => { const found: SyntaxNode[] = []; for (let c = node.firstChild; c; c = c.nextSibling) if (VALUE_NODES.has(c.name)) found.push(c); return found; };
  const property = (node: SyntaxNode, name: string) => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      const label = c.name === 'Property' ? c.getChild('PropertyName') : null;
      if (!label) continue;
      try { if (JSON.parse(state.doc.sliceString(label.from, label.to)) === name) return { label, value: values(c)[0] ?? null }; } catch { /* half typed */ }
    }
    return null;
  };
  let node: SyntaxNode | null = values(tree.topNode)[0] ?? null;
  for (const part of path) {
    if (!node) return null;
    if (node.name === 'Object') node = property(node, part)?.value ?? null;
    else if (node.name === 'Array') node = values(node)[Number(part)] ?? null;
    else return null;
  }
  if (!node) return null;
  if (key === undefined) return { from: node.from, to: node.to };
  const label = node.name === 'Object' ? property(node, key)?.label : null;
  return label ? { from: label.from, to: label.to } : null;
}

const TYPES_MESSAGE = /^Value `([^`]*)` at `((?:[^`]*\.)?type)` does not match any schema/;

/** The schema problems of the document, each where it is. */
export function schemaProblems(state: EditorState): Diagnostic[] {
  try {
    JSON.parse(state.doc.toString());
  } catch {
    return []; // half typed: the parser's own problem shows; the release would check a guess of the document
  }
  ensureSyntaxTree(state, state.doc.length, 200);
  const found = jsonSchemaLinter()({ state } as EditorView);
  return found.map((d) => {
    let { message } = d;
    const key = /^Additional property `([^`]+)`/.exec(message)?.[1];
    const path = / (?:in|at) `([^`]*)`/.exec(message)?.[1];
    const segments = path ? path.split('.') : [];
    let span = key !== undefined ? locate(state, segments, key) : path !== undefined ? locate(state, segments) : null;
    if (!span && /^[\s:]+$/.test(state.doc.sliceString(d.from, d.to))) span = valueAfter(state, d.to);
    const types = TYPES_MESSAGE.exec(message);
    if (types) message = `\`${types[1]}\` at \`${types[2]}\` is not a type: object, array, string, integer, number, boolean or null`;
    return { ...d, ...(span ?? {}), message, renderMessage: undefined };
  });
}

const wrapped = new WeakMap<object, Schema>();

/** The schema with every bare `{"$ref": …}` as `{"anyOf": [{"$ref": …}]}` (what completion follows). */
export function forCompletion(schema: Schema): Schema {
  const known = wrapped.get(schema);
  if (known) return known;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const entries = Object.entries(node as Schema);
    if (entries.length === 1 && entries[0][0] === '$ref') return { anyOf: [node] };
    return Object.fromEntries(entries.map(([k, v]) => [k, k === 'enum' || k === 'const' ? v : walk(v)]));
  };
  const result = walk(schema) as Schema;
  wrapped.set(schema, result);
  return result;
}

const complete = jsonCompletion();

/** Completion at the context's position against the editor's schema (read through `forCompletion`). */
export function completeJson(ctx: CompletionContext): CompletionResult | null {
  const schema = getJSONSchema(ctx.state);
  if (!schema) return null;
  const shadow = EditorState.create({ doc: ctx.state.doc, selection: ctx.state.selection, extensions: [json(), stateExtensions(forCompletion(schema as Schema) as never)] });
  ensureSyntaxTree(shadow, shadow.doc.length, 200);
  const result = complete(new CompletionContext(shadow, ctx.pos, ctx.explicit));
  return result && 'options' in result ? result : null;
}
