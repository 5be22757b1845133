type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The file name a schema is referred to by, from its `$id` (…/schemas/model/order.schema.json → model/order.schema.json). */
function fileOf(id: string): string {
  return id.replace(/^https:\/\/koppla\.dev\/schemas\//, '');
}

/** A `$defs` key for an embedded schema: model/order.schema.json → model.order */
function defName(file: string): string {
  return file.replace(/\.schema\.json$/, '').replace(/\//g, '.');
}

function resolveRelative(fromFile: string, ref: string): string {
  const dir = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/') + 1) : '';
  const parts = `${dir}${ref}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.') out.push(part);
  }
  return out.join('/');
}

/**
 * One self-contained schema for editors (yaml-language-server), which cannot resolve Koppla's
 * `https://koppla.dev/…` ids: every schema the root refers to, directly or not, is embedded under
 * `$defs`, and every `$ref` is rewritten to point inside the bundle.
 */
export function bundleSchema(rootId: string, schemas: readonly JsonObject[]): JsonObject {
  const byFile = new Map(schemas.map((s) => [fileOf(String(s.$id)), s]));
  const rootFile = fileOf(rootId);
  const root = byFile.get(rootFile);
  if (!root) throw new Error(`no schema with id ${rootId}`);

  const embedded = new Map<string, JsonObject>();
  const pending: string[] = [];

  const rewrite = (node: Json, file: string, prefix: string): Json => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, file, prefix));
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const [target = '', fragment = ''] = value.split('#');
        if (target === '') {
          out.$ref = `#${prefix}${fragment}`;
        } else if (/^https?:\/\//.test(target) && !target.startsWith('https://koppla.dev/schemas/')) {
          out.$ref = value; // a well-known schema (the JSON Schema meta-schema): editors know it
        } else {
          const targetFile = target.startsWith('https://koppla.dev/schemas/')
            ? fileOf(target)
            : resolveRelative(file, target);
          if (!byFile.has(targetFile)) throw new Error(`${file} refers to unknown schema ${target}`);
          if (targetFile === rootFile) out.$ref = `#${fragment}`;
          else {
            if (!embedded.has(targetFile) && !pending.includes(targetFile)) pending.push(targetFile);
            out.$ref = `#/$defs/${defName(targetFile)}${fragment}`;
          }
        }
      } else if (key === '$id' || key === '$schema') {
        if (prefix === '') out[key] = value;
      } else {
        out[key] = rewrite(value, file, prefix);
      }
    }
    return out;
  };

  const bundled = rewrite(root, rootFile, '') as JsonObject;
  while (pending.length > 0) {
    const file = pending.shift() as string;
    embedded.set(
      file,
      rewrite(byFile.get(file) as JsonObject, file, `/$defs/${defName(file)}`) as JsonObject,
    );
  }
  const defs = { ...((bundled.$defs as JsonObject | undefined) ?? {}) };
  for (const [file, schema] of embedded) defs[defName(file)] = schema;
  return { ...bundled, $defs: defs };
}
