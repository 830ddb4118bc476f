// The studio's form editor checks and completes against the schemas of src/studio/formSchemas.ts: every shipped
// form and uiSchema is clean there, a misspelt keyword, an unknown type or widget is marked where it is, and
// keywords, Yishi's own ones and the form's field names are offered while typing.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EditorState } from '@codemirror/state';
import { CompletionContext } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';
import { ensureSyntaxTree } from '@codemirror/language';
import { stateExtensions } from 'codemirror-json-schema';
import { completeJson, schemaProblems } from '../studio/jsonCheck';
import { formMetaSchema, prefillField, uiMetaSchema } from '../studio/formSchemas';

const formsDir = join(__dirname, '..', '..', '..', 'forms');
const forms = readdirSync(formsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.schema.json')).sort();

function state(text: string, schema: Record<string, unknown>) {
  const made = EditorState.create({ doc: text, extensions: [json(), stateExtensions(schema as never)] });
  ensureSyntaxTree(made, made.doc.length, 5000); // parsed to the end, as an editor on screen has it
  return made;
}

function problems(text: string, schema: Record<string, unknown>) {
  return schemaProblems(state(text, schema)).map((d) => ({ at: text.slice(d.from, d.to), message: d.message }));
}

function offered(text: string, schema: Record<string, unknown>): string[] {
  const where = text.indexOf('|');
  const doc = text.replace('|', '');
  return (completeJson(new CompletionContext(state(doc, schema), where, true))?.options ?? []).map((o) => o.label);
}

describe('the form editor', () => {
  it('finds the shipped forms', () => expect(forms.length).toBeGreaterThan(40));

  it.each(forms)('finds nothing wrong in %s and its uiSchema', (file) => {
    const text = readFileSync(join(formsDir, file), 'utf8');
    expect(problems(text, formMetaSchema)).toEqual([]);
    const ui = join(formsDir, file.replace(/\.schema\.json$/, '.uischema.json'));
    let uiText = '{}';
    try { uiText = readFileSync(ui, 'utf8'); } catch { /* a form without a uiSchema */ }
    expect(problems(uiText, uiMetaSchema(JSON.parse(text)))).toEqual([]);
  });

  it('marks a misspelt keyword, an unknown type and an enum where they are', () => {
    const text = '{"type": "object", "properties": {"a": {"titel": "甲", "type": "strng"}, "b": {"type": "string", "enum": ["x"]}}}';
    const found = problems(text, formMetaSchema);
    expect(found.map((p) => p.at)).toEqual(expect.arrayContaining(['"titel"', '"strng"', '"enum"']));
    expect(found).toHaveLength(3);
  });

  it('leaves a half-typed document to the JSON parser', () => {
    expect(problems('{"type": "object", "properties": {"a": {"title": "甲", "x-yi"\n "type": "string"}}}', formMetaSchema)).toEqual([]);
  });

  it('marks a widget the app does not register and a help text in one language only', () => {
    const form = { type: 'object', properties: { reason: { type: 'string' } } };
    const found = problems('{"reason": {"ui:widget": "radi", "ui:help": "只有中文"}, "ui:order": ["reason", "*"]}', uiMetaSchema(form));
    expect(found.map((p) => p.at)).toEqual(expect.arrayContaining(['"radi"', '"只有中文"']));
    expect(problems('{"reason": {"ui:widget": "textarea"}, "ui:order": ["reason", "*"]}', uiMetaSchema(form))).toEqual([]);
    expect(problems('{"ui:order": ["reasons", "*"]}', uiMetaSchema(form)).map((p) => p.at)).toEqual(['"reasons"']);
  });

  it('offers the keywords, Yishi\'s own included, and the form\'s fields in the uiSchema', () => {
    const keywords = offered('{"type": "object", "properties": {"a": {"type": "string", "|"}}}', formMetaSchema);
    expect(keywords).toEqual(expect.arrayContaining(['title', 'x-i18n', 'x-yishi-personal', 'format', 'oneOf']));
    expect(keywords).not.toContain('enum');
    const form = { type: 'object', properties: { reason: { type: 'string' }, reply_text: { type: 'string' } } };
    expect(offered('{"ui:order": ["reason", "*"], "|"}', uiMetaSchema(form))).toEqual(expect.arrayContaining(['reason', 'reply_text', 'ui:widget']));
    expect(offered('{"reason": {"ui:widget": "radio", "|"}}', uiMetaSchema(form))).toEqual(expect.arrayContaining(['ui:options', 'ui:help', 'ui:placeholder']));
    expect(offered('{"reason": {"ui:widget": "|"}}', uiMetaSchema(form))).toEqual(expect.arrayContaining(['textarea', 'radio', 'attachments']));
  });

  it('adds a case value as a field like the one another form has, or as text with its titles', () => {
    const other = { type: 'object', properties: { side: { type: 'string', title: '方', oneOf: [{ const: 'a', title: '甲' }] } } };
    expect(prefillField('side', '方', 'Side', { 'p/x.schema.json': other })).toEqual(other.properties.side);
    expect(prefillField('title', '标题', 'Title', {})).toEqual({ title: '标题', 'x-i18n': { en: { title: 'Title' } }, type: 'string' });
  });
});
