// Turn a process form (JSON Schema draft 2020-12 with bilingual titles, `x-order`, `x-enum-labels`) into what
// react-jsonschema-form renders: a schema with the titles of the user's language and a uiSchema. A uiSchema
// served by the API wins over the one derived here. Server field errors become rjsf `extraErrors`.
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { localize } from './labels';

type Json = Record<string, unknown>;

const LONG_TEXT = /(description|reason|text|note|minutes|summary|plan|opinion|content|explanation|feedback|comment|proposal|conclusion|conditions)/i;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema with every `title` and `description` in one language (a deep copy). */
export function localizeSchema(schema: unknown, language: string): RJSFSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'title' || key === 'description') && typeof value === 'string') out[key] = localize(value, language);
      else if (key === '$comment' || key === 'x-yishi-rules') continue;
      else out[key] = walk(value);
    }
    return out;
  };
  const copy = walk(schema) as Json;
  delete copy.$schema; // rjsf's validator is not asked to compile the meta-schema
  return copy as RJSFSchema;
}

function resolve(node: Json, root: Json): Json {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = isObject(target) ? target[part] : undefined;
  return isObject(target) ? { ...target, ...node, $ref: undefined } : node;
}

function uiFor(name: string, raw: Json, root: Json, language: string): UiSchema {
  const node = resolve(raw, root);
  const ui: UiSchema = {};
  const labels = node['x-enum-labels'];
  if (Array.isArray(node.enum) && isObject(labels)) {
    ui['ui:enumNames'] = node.enum.map((value) => localize(String(labels[String(value)] ?? value), language));
  }
  if (node.type === 'string' && !node.enum && !node.format && LONG_TEXT.test(name)) {
    ui['ui:widget'] = 'textarea';
    ui['ui:options'] = { rows: 4 };
  }
  if (node.type === 'object' || isObject(node.properties)) Object.assign(ui, uiForObject(node, root, language));
  if (node['x-yishi-widget'] === 'attachments') return { 'ui:widget': 'attachments' }; // components/AttachmentsWidget
  if (node.type === 'array' && isObject(node.items)) {
    const items = uiFor(name, node.items, root, language);
    if (Object.keys(items).length) ui.items = items;
    if (Array.isArray(node.enum) || (isObject(node.items) && Array.isArray(resolve(node.items, root).enum))) {
      ui['ui:widget'] = 'checkboxes';
    }
  }
  return ui;
}

function uiForObject(node: Json, root: Json, language: string): UiSchema {
  const ui: UiSchema = {};
  if (Array.isArray(node['x-order'])) ui['ui:order'] = [...(node['x-order'] as string[]), '*'];
  if (isObject(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) {
      if (!isObject(child)) continue;
      const childUi = uiFor(name, child, root, language);
      if (Object.keys(childUi).length) ui[name] = childUi;
    }
  }
  return ui;
}

function merge(base: UiSchema, over: UiSchema): UiSchema {
  const out: UiSchema = { ...base };
  for (const [key, value] of Object.entries(over ?? {})) {
    out[key] = isObject(value) && isObject(out[key]) ? merge(out[key] as UiSchema, value as UiSchema) : value;
  }
  return out;
}

/** The uiSchema derived from the form, overridden by the server's uiSchema when it sends one. */
export function buildUiSchema(schema: unknown, language: string, served?: unknown): UiSchema {
  const root = isObject(schema) ? schema : {};
  const derived = uiForObject(root, root, language);
  derived['ui:submitButtonOptions'] = { norender: true };
  return isObject(served) ? merge(derived, served as UiSchema) : derived;
}

/** The API's field errors (`errors[].path` like "proposer/name") as rjsf extraErrors on those fields. */
export function toErrorSchema(errors: { path?: string | null; message: string }[] | undefined): ErrorSchema {
  const out: Json = {};
  for (const error of errors ?? []) {
    const parts = (error.path ?? '').split(/[/.]/).filter(Boolean);
    let node = out;
    for (const part of parts) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as Json;
    }
    const list = (node.__errors as string[] | undefined) ?? [];
    if (!list.includes(error.message)) list.push(error.message);
    node.__errors = list;
  }
  return out as ErrorSchema;
}
