// What the form editor checks and completes against (codemirror-json-schema, which reads draft-04/07 schemas):
//  - a form: JSON Schema draft 2020-12's keywords (the core, applicator, validation, format-annotation and
//    meta-data vocabularies, as processes/CONVENTIONS.md allows them) written as one self-contained draft-07
//    schema, plus Yishi's declared keywords x-i18n, x-yishi-rules, x-yishi-widget and x-yishi-personal. Any other
//    keyword is an error here, as it is for tests/processes/test_form_conventions.py (`enum` included: choices are
//    `oneOf` of `const` + `title`).
//  - a uiSchema: react-jsonschema-form's keys for the fields of the form being edited (completed by name), the
//    widgets the app registers (components/SchemaForm.tsx) and the language maps CONVENTIONS.md asks for.
type Schema = Record<string, unknown>;

const LANGUAGE_MAP: Schema = {
  type: 'object',
  description: '中文和英文两种文字 · both languages: {"zh-CN": "…", "en": "…"}',
  properties: { 'zh-CN': { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
  required: ['zh-CN', 'en'],
  additionalProperties: false,
};

const SUB = { $ref: '#/definitions/schema' };
const SUB_OR_BOOLEAN = { anyOf: [SUB, { type: 'boolean' }] };
const SUB_LIST = { type: 'array', minItems: 1, items: SUB };
const SUB_MAP = { type: 'object', additionalProperties: SUB };
const COUNT = { type: 'integer', minimum: 0 };
const TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean', 'null'];

/** The meta-schema of a form file (see the comment above). */
export const formMetaSchema: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Yishi form (JSON Schema 2020-12)',
  $ref: '#/definitions/schema',
  definitions: {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        $schema: { type: 'string', description: 'https://json-schema.org/draft/2020-12/schema', enum: ['https://json-schema.org/draft/2020-12/schema'] },
        $id: { type: 'string' },
        $comment: { type: 'string', description: '开发说明（参与者看不到）· developer note, never shown' },
        $defs: SUB_MAP,
        $ref: { type: 'string', description: '#/$defs/…' },
        $anchor: { type: 'string' },
        title: { type: 'string', description: '中文标题；英文写在 x-i18n.en.title · the Chinese title; English under x-i18n' },
        description: { type: 'string', description: '中文说明；英文写在 x-i18n.en.description · Chinese; English under x-i18n' },
        type: { anyOf: [{ enum: TYPES }, { type: 'array', items: { enum: TYPES }, uniqueItems: true }] },
        const: {},
        default: { description: '缺少时使用的值（启动表单的配置项）· applied when missing (start-form configuration)' },
        examples: { type: 'array' },
        readOnly: { type: 'boolean' },
        writeOnly: { type: 'boolean' },
        deprecated: { type: 'boolean' },
        properties: SUB_MAP,
        patternProperties: SUB_MAP,
        additionalProperties: SUB_OR_BOOLEAN,
        propertyNames: SUB,
        required: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        dependentRequired: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
        dependentSchemas: SUB_MAP,
        minProperties: COUNT,
        maxProperties: COUNT,
        unevaluatedProperties: SUB_OR_BOOLEAN,
        items: SUB_OR_BOOLEAN,
        prefixItems: SUB_LIST,
        contains: SUB,
        minContains: COUNT,
        maxContains: COUNT,
        unevaluatedItems: SUB_OR_BOOLEAN,
        minItems: COUNT,
        maxItems: COUNT,
        uniqueItems: { type: 'boolean' },
        minLength: COUNT,
        maxLength: COUNT,
        pattern: { type: 'string', description: 'RE2 正则（不支持回溯引用和环视）· an RE2 regular expression' },
        format: { enum: ['date', 'date-time', 'email', 'uri'], description: 'Yishi 检查的格式 · the formats Yishi checks' },
        minimum: { type: 'number' },
        maximum: { type: 'number' },
        exclusiveMinimum: { type: 'number' },
        exclusiveMaximum: { type: 'number' },
        multipleOf: { type: 'number', exclusiveMinimum: 0 },
        allOf: SUB_LIST,
        anyOf: SUB_LIST,
        oneOf: { ...SUB_LIST, description: '选项：{"const": 代码, "title": 中文, "x-i18n": {"en": {"title": …}}} · choices' },
        not: SUB,
        if: SUB,
        then: SUB,
        else: SUB,
        'x-i18n': {
          type: 'object',
          description: '英文文字 · the English texts',
          properties: {
            en: {
              type: 'object',
              properties: { title: { type: 'string', minLength: 1 }, description: { type: 'string', minLength: 1 } },
              additionalProperties: false,
            },
          },
          required: ['en'],
          additionalProperties: false,
        },
        'x-yishi-rules': {
          type: 'array',
          description: '跨字段规则（沙箱表达式）· cross-field rules (sandboxed expressions)',
          items: {
            type: 'object',
            properties: {
              rule: { type: 'string', minLength: 1, description: '例如 yes + no + abstain <= present' },
              fields: { type: 'array', items: { type: 'string' } },
              message: LANGUAGE_MAP,
              $comment: { type: 'string' },
            },
            required: ['rule', 'message'],
            additionalProperties: false,
          },
        },
        'x-yishi-widget': { enum: ['attachments'], description: '附件字段 · a field holding files' },
        'x-yishi-personal': { enum: ['phone', 'id', 'address'], description: '个人信息，按权限遮蔽 · personal data, masked' },
      },
    },
  },
};

/** The widgets `ui:widget` may name: react-jsonschema-form's names for the ones components/SchemaForm.tsx
 * registers (the device's own select, date and date-time inputs) and Yishi's attachments widget. */
export const UI_WIDGETS = ['text', 'textarea', 'radio', 'select', 'checkbox', 'checkboxes', 'password', 'date', 'datetime', 'hidden', 'attachments'];

const UI_TEXT = LANGUAGE_MAP; // CONVENTIONS.md: texts of a uiSchema are language maps

function uiKeys(fieldNames: string[]): Schema {
  return {
    'ui:widget': { enum: UI_WIDGETS, description: '显示方式 · how the field is shown' },
    'ui:options': {
      type: 'object',
      properties: {
        rows: { type: 'integer', minimum: 1, description: '多行文本的行数 · rows of a textarea' },
        inline: { type: 'boolean' },
        label: { type: 'boolean' },
        orderable: { type: 'boolean' },
        addable: { type: 'boolean' },
        removable: { type: 'boolean' },
      },
    },
    'ui:order': { type: 'array', items: { enum: [...fieldNames, '*'] }, uniqueItems: true, description: '字段顺序，以 "*" 结尾 · field order, ending with "*"' },
    'ui:help': { ...UI_TEXT, description: '字段下方的提示 · help under the field' },
    'ui:placeholder': { ...UI_TEXT, description: '输入框里的示例 · example inside the input' },
    'ui:description': UI_TEXT,
    'ui:title': UI_TEXT,
    'ui:readonly': { type: 'boolean' },
    'ui:disabled': { type: 'boolean' },
    'ui:autofocus': { type: 'boolean' },
  };
}

/** A field's own schema: a local `$ref` (`#/$defs/person`) followed. */
function resolved(root: unknown, node: unknown): Record<string, unknown> {
  let current = (node ?? {}) as Record<string, unknown>;
  for (let hops = 0; typeof current.$ref === 'string' && current.$ref.startsWith('#/') && hops < 8; hops += 1) {
    let target: unknown = root;
    for (const part of current.$ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    current = { ...((target ?? {}) as Record<string, unknown>), ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== '$ref')) };
  }
  return current;
}

function uiFor(root: unknown, node: unknown, depth = 0): Schema {
  const field = resolved(root, node) as { properties?: Record<string, unknown>; items?: unknown };
  const names = Object.keys(field.properties ?? {});
  const properties: Schema = { ...uiKeys(names) };
  if (depth < 6) {
    for (const name of names) properties[name] = uiFor(root, field.properties?.[name], depth + 1);
    if (field.items && typeof field.items === 'object') properties.items = uiFor(root, field.items, depth + 1);
  }
  return { type: 'object', properties, additionalProperties: false };
}

/** The schema of a uiSchema for `form` (any object form when there is none yet). */
export function uiMetaSchema(form: unknown): Schema {
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'react-jsonschema-form uiSchema', ...uiFor(form, form) };
}

/** A field to add for a case value, so the form prefills it (engine/definitions/forms.py `initial_values`: a
 * top-level field with the value's name): the same field from another form of the draft when one has it, else a
 * text field with the value's titles. */
export function prefillField(name: string, zh: string, en: string, forms: Record<string, unknown>): Schema {
  for (const [key, form] of Object.entries(forms)) {
    const found = key.endsWith('.schema.json') && (form as { properties?: Record<string, Schema> })?.properties?.[name];
    if (found) return found;
  }
  return { title: zh, ...(en && en !== zh ? { 'x-i18n': { en: { title: en } } } : {}), type: 'string' };
}
