/** Where something is in a source file. Lines and columns are 1-based, as editors show them. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type Severity = 'error' | 'warning';

/** One finding about a user's file: what is wrong, where, and which rule said so. */
export interface Diagnostic extends SourcePosition {
  readonly severity: Severity;
  /** Stable id of the check that found it, e.g. `yaml-syntax`, `schema`, `unknown-operation`. */
  readonly rule: string;
  readonly message: string;
  /** JSON Pointer of the offending node inside the document, when known. */
  readonly pointer?: string;
}

export function formatPosition(position: SourcePosition): string {
  return `${position.file}:${position.line}:${position.col}`;
}

/** `file:line:col severity rule-id message`: the format `koppla lint` prints. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${formatPosition(d)} ${d.severity} ${d.rule} ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * A problem with the user's input (a pipeline, a pack, a record). The CLI prints its diagnostics and
 * never a stack trace.
 */
export class KopplaUserError extends Error {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'KopplaUserError';
  }
}
