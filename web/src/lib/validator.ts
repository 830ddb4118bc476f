// A small validator for react-jsonschema-form. The server validates every submission (its field errors are
// authoritative and shown on the fields); in the browser the validator only decides schema conditions
// (`if`/`then`, `oneOf`, `anyOf`, dependencies) so the form shows the right fields. It understands the
// keywords those conditions use, which keeps the JSON Schema compiler (ajv) out of the participant pages.
import type { RJSFSchema, ValidationData, ValidatorType } from '@rjsf/utils';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function deref(schema: Json, root: Json): Json {
  let node = schema;
  for (let guard = 0; typeof node.$ref === 'string' && node.$ref.startsWith('#') && guard < 20; guard++) {
    let target: unknown = root;
    for (const part of node.$ref.slice(2).split('/').filter(Boolean)) target = isObject(target) ? target[decodeURIComponent(part)] : undefined;
    const { $ref: _ignored, ...rest } = node;
    node = isObject(target) ? { ...target, ...rest } : rest;
  }
  return node;
}

/** Whether `value` matches `schema` (the subset of JSON Schema used by form conditions). */
export function matches(schemaIn: unknown, value: unknown, root: Json): boolean {
  if (schemaIn === true || schemaIn === undefined) return true;
  if (schemaIn === false) return false;
  if (!isObject(schemaIn)) return true;
  const schema = deref(schemaIn, root);
  const type = schema.type;
  if (type !== undefined && value !== undefined) {
    const actual = typeOf(value);
    const allowed = Array.isArray(type) ? type : [type];
    if (!allowed.some((t) => t === actual || (t === 'number' && actual === 'integer'))) return false;
  }
  if ('const' in schema && !equal(schema.const, value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => equal(e, value))) return false;
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) return false;
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) return false;
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return false;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return false;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return false;
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return false;
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) return false;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return false;
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return false;
    if (schema.items !== undefined && !value.every((item) => matches(schema.items, item, root))) return false;
    if (schema.contains !== undefined && !value.some((item) => matches(schema.contains, item, root))) return false;
  }
  if (isObject(value)) {
    if (Array.isArray(schema.required) && !schema.required.every((k) => value[k as string] !== undefined)) return false;
    if (isObject(schema.properties)) {
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (value[key] !== undefined && !matches(sub, value[key], root)) return false;
      }
    }
  }
  if (schema.not !== undefined && matches(schema.not, value, root)) return false;
  if (Array.isArray(schema.allOf) && !schema.allOf.every((s) => matches(s, value, root))) return false;
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => matches(s, value, root))) return false;
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s) => matches(s, value, root)).length !== 1) return false;
  if (schema.if !== undefined) {
    const branch = matches(schema.if, value, root) ? schema.then : schema.else;
    if (branch !== undefined && !matches(branch, value, root)) return false;
  }
  return true;
}

export const conditionValidator: ValidatorType = {
  validateFormData(): ValidationData<unknown> {
    return { errors: [], errorSchema: {} };
  },
  isValid(schema: RJSFSchema, formData: unknown, rootSchema: RJSFSchema): boolean {
    return matches(schema, formData, rootSchema as Json);
  },
  rawValidation() {
    return { errors: [] };
  },
};
