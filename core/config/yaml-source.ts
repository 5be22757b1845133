import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { KopplaUserError, type Diagnostic, type SourcePosition } from '../diagnostics/index.ts';
import { parsePointer } from './json-pointer.ts';

/**
 * A parsed YAML file that still knows where every value came from, so any later finding — a schema
 * violation, a lint rule, a run-time failure inside an expression nested in a step — can name
 * file:line:col.
 */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Position of the value at `pointer`; falls back to the nearest ancestor that exists. */
  positionOf(pointer: string): SourcePosition;
  /** Position of the key that holds `pointer` (for "unknown property" findings); else the value. */
  keyPositionOf(pointer: string): SourcePosition;
}

function yamlErrorRule(code: string): string {
  return code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
}

/** Parses YAML text; throws KopplaUserError with `yaml-syntax` / `duplicate-key` diagnostics. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  if (doc.errors.length > 0) {
    const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
      ...at(e.pos[0]),
      severity: 'error',
      rule: yamlErrorRule(e.code),
      message: e.message.split('\n')[0] ?? e.message,
    }));
    throw new KopplaUserError(`${file}: invalid YAML`, diagnostics);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  return {
    file,
    value,
    positionOf: (pointer) => at(locate(doc, pointer, 'value')),
    keyPositionOf: (pointer) => at(locate(doc, pointer, 'key')),
  };
}

/** Offset of the node at `pointer` (or of its key), walking down as far as the document goes. */
function locate(doc: Document, pointer: string, want: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  const segments = parsePointer(pointer);
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) return offset;
      if (last && want === 'key') return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (item === undefined) return offset;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}
