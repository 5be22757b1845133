import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
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

/**
 * Limits on what a YAML file may make the loader do. Koppla's own files are far below them (the
 * largest shipped file is ~60 KB, the deepest ~50 levels); a file beyond them is hostile or broken,
 * and each limit turns what would be a hang, a stack overflow or an exhausted heap into a diagnostic.
 */
export const YAML_LIMITS = {
  /** Characters in one file. */
  maxLength: 1024 * 1024,
  /** Nesting of maps and sequences. */
  maxDepth: 200,
  /** Alias expansions (`*name`) while building the value: anchors bombs ("billion laughs"). */
  maxAliasCount: 100,
} as const;

/** Parses YAML text; throws KopplaUserError with `yaml-syntax` / `duplicate-key` / `yaml-limit` diagnostics. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const fail = (diagnostics: Diagnostic[]): never => {
    throw new KopplaUserError(`${file}: invalid YAML`, diagnostics);
  };
  const limit = (offset: number, message: string): Diagnostic => ({
    ...at(offset),
    severity: 'error',
    rule: 'yaml-limit',
    message,
  });
  if (text.length > YAML_LIMITS.maxLength) {
    fail([
      {
        file,
        line: 1,
        col: 1,
        severity: 'error',
        rule: 'yaml-limit',
        message: `file too large: ${text.length} characters, at most ${YAML_LIMITS.maxLength}`,
      },
    ]);
  }
  // uniqueKeys is checked below in one pass: the yaml package's own check is quadratic per map
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: false });
  if (doc.errors.length > 0) {
    fail(
      doc.errors.map((e) => {
        const message = e.message.split('\n')[0] ?? e.message;
        // the parser recursed into nesting deep enough to exhaust the stack
        if (message.includes('Maximum call stack size exceeded'))
          return limit(e.pos[0], `nested too deeply: at most ${YAML_LIMITS.maxDepth} levels`);
        return { ...at(e.pos[0]), severity: 'error', rule: yamlErrorRule(e.code), message };
      }),
    );
  }
  const structural = structureProblems(doc);
  if (structural) fail([{ ...limit(structural.offset, structural.message), rule: structural.rule }]);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (error) {
    // the yaml package throws a ReferenceError for an alias that expands too often
    fail([
      limit(
        firstAliasOffset(doc),
        `aliases expand too often (more than ${YAML_LIMITS.maxAliasCount}): ${(error as Error).message}`,
      ),
    ]);
  }
  return {
    file,
    value,
    positionOf: (pointer) => at(locate(doc, pointer, 'value')),
    keyPositionOf: (pointer) => at(locate(doc, pointer, 'key')),
  };
}

interface StructureProblem {
  readonly offset: number;
  readonly rule: 'duplicate-key' | 'yaml-limit' | 'yaml-syntax';
  readonly message: string;
}

/**
 * Duplicate keys (one Map per mapping, so linear), nesting beyond `maxDepth`, and aliases that refer
 * to a node containing themselves (their value would be a cycle no later step could walk).
 */
function structureProblems(doc: Document): StructureProblem | undefined {
  let found: StructureProblem | undefined;
  // anchors as met in document order, the last one of a name winning, as aliases resolve them
  // (Alias.resolve would search the whole document for each alias)
  const anchors = new Map<string, Node>();
  const anchor = (node: Node) => {
    if (node.anchor) anchors.set(node.anchor, node);
  };
  visit(doc, {
    Scalar(_key, node) {
      anchor(node);
    },
    Map(_key, node, path) {
      anchor(node);
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) {
          // a `? [a, b]` key would become the text "[ a, b ]": never what the author meant
          found = {
            offset: rangeStart(pair.key) ?? rangeStart(node) ?? 0,
            rule: 'yaml-syntax',
            message: 'keys must be plain scalars, not maps, sequences or aliases',
          };
          return visit.BREAK;
        }
        if (seen.has(pair.key.value)) {
          found = {
            offset: rangeStart(pair.key) ?? 0,
            rule: 'duplicate-key',
            message: 'Map keys must be unique',
          };
          return visit.BREAK;
        }
        seen.add(pair.key.value);
      }
      return depthProblem(node, path);
    },
    Seq(_key, node, path) {
      anchor(node);
      return depthProblem(node, path);
    },
    Alias(_key, node, path) {
      const target = anchors.get(node.source);
      if (!target) {
        found = {
          offset: rangeStart(node) ?? 0,
          rule: 'yaml-syntax',
          message: `alias *${node.source} has no anchor &${node.source} before it`,
        };
        return visit.BREAK;
      }
      if (path.some((ancestor) => ancestor === target)) {
        found = {
          offset: rangeStart(node) ?? 0,
          rule: 'yaml-limit',
          message: `alias *${node.source} refers to a node containing it`,
        };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;

  function depthProblem(node: Node, path: readonly unknown[]) {
    // the path holds the document and a Pair per map level
    const depth = path.filter((p) => isMap(p) || isSeq(p)).length + 1;
    if (depth <= YAML_LIMITS.maxDepth) return undefined;
    found = {
      offset: rangeStart(node) ?? 0,
      rule: 'yaml-limit',
      message: `nested too deeply: at most ${YAML_LIMITS.maxDepth} levels`,
    };
    return visit.BREAK;
  }
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = rangeStart(node) ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
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
