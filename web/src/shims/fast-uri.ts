// The two functions of fast-uri that @rjsf/utils calls to resolve `$ref`s (findSchemaDefinition), on the
// browser's URL class. The forms only use local references (`#/$defs/…`) and no `$id`; vite.config.ts points
// `fast-uri` here so the full RFC 3986 library (about 12 KB gzipped) stays out of the task pages.
function resolve(base: string, ref: string): string {
  if (!base) return ref;
  try {
    return new URL(ref, base).href;
  } catch {
    return ref.startsWith('#') ? base.split('#')[0] + ref : ref;
  }
}

function normalize(uri: string): string {
  try {
    return new URL(uri).href;
  } catch {
    return uri;
  }
}

function equal(a: string, b: string): boolean {
  return normalize(a) === normalize(b);
}

export { resolve, equal };
export default { resolve, equal };
