/** What kind of mistake a problem is; stable, so lint rules and tests can match on it. */
export type ExpressionProblemCode =
  | 'unknown-operator'
  | 'disallowed-operator'
  | 'argument-count'
  | 'invalid-argument'
  | 'not-an-expression'
  | 'invalid-template'
  | 'unknown-template-ref'
  | 'template-ref-cycle';

/** One static finding in an expression or template. */
export interface ExpressionProblem {
  readonly code: ExpressionProblemCode;
  /**
   * JSON Pointer of the offending node, relative to the expression (or template) root:
   * `/and/1/money.add` is the arguments of the `money.add` in the second operand of `and`.
   */
  readonly pointer: string;
  readonly message: string;
  /** The nearest valid name, when there is one ("did you mean …"). */
  readonly suggestion?: string;
}

export interface ExpressionErrorDetails {
  /** The operator that failed, when one did. */
  readonly operator?: string;
  /** Where in the expression or template, when it is known without ambiguity. */
  readonly pointer?: string;
  /** The named template (`$ref`) the pointer is relative to, when the failure happened inside one. */
  readonly template?: string;
  /** Static problems that stopped evaluation before it began. */
  readonly problems?: readonly ExpressionProblem[];
  readonly cause?: unknown;
}

/**
 * Any failure while evaluating an expression or rendering a template: a float where money was
 * expected, an unparseable date, an operator Koppla does not allow. The executor turns it into a
 * failed step, so the message has to stand alone: it names the operator and the argument.
 */
export class ExpressionError extends Error {
  readonly operator: string | undefined;
  readonly pointer: string | undefined;
  readonly template: string | undefined;
  readonly problems: readonly ExpressionProblem[];

  constructor(message: string, details: ExpressionErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ExpressionError';
    this.operator = details.operator;
    this.pointer = details.pointer;
    this.template = details.template;
    this.problems = details.problems ?? [];
  }

  /** The same error, located: callers higher up know where the expression sits. */
  located(location: { readonly pointer?: string; readonly template?: string }): ExpressionError {
    const details: ExpressionErrorDetails = {
      operator: this.operator,
      pointer: location.pointer ?? this.pointer,
      template: location.template ?? this.template,
      problems: this.problems,
      cause: this.cause,
    };
    const error = new ExpressionError(this.message, details);
    if (this.stack !== undefined) error.stack = this.stack;
    return error;
  }
}
