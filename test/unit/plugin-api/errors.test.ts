import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CONNECTOR_ERROR_KINDS,
  ConflictError,
  ConnectorError,
  NotFoundError,
  RateLimitedError,
  REDACTED,
  TransientError,
  ValidationError,
  errorForHttpStatus,
  isConnectorError,
  redact,
  toConnectorError,
} from '../../../core/plugin-api/index.ts';

const SECRET = 'cs_9f8e7d6c5b4a';

describe('error classes', () => {
  it.each([
    [new TransientError('timeout'), TransientError, 'TransientError', 'transient', true],
    [new RateLimitedError('slow down'), RateLimitedError, 'RateLimitedError', 'rate_limited', true],
    [new AuthError('expired token'), AuthError, 'AuthError', 'auth', false],
    [new ValidationError('bad email'), ValidationError, 'ValidationError', 'validation', false],
    [new NotFoundError('no such invoice'), NotFoundError, 'NotFoundError', 'not_found', false],
    [new ConflictError('number taken'), ConflictError, 'ConflictError', 'conflict', false],
  ] as const)('%s', (error, type, name, kind, retryable) => {
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(isConnectorError(error)).toBe(true);
    expect(CONNECTOR_ERROR_KINDS).toContain(kind);
    expect(String(error.stack)).toContain(`${name}: ${error.message}`);
  });

  it('carries the remote code, HTTP status, offending field and details', () => {
    const error = new ValidationError('E-post är ogiltig', {
      code: '2000359',
      status: 400,
      field: 'Customer.Email',
      details: { ErrorInformation: { error: 1, message: 'E-post är ogiltig', code: 2000359 } },
    });
    expect(error.toJSON()).toEqual({
      name: 'ValidationError',
      kind: 'validation',
      retryable: false,
      message: 'E-post är ogiltig',
      code: '2000359',
      status: 400,
      field: 'Customer.Email',
      details: { ErrorInformation: { error: 1, message: 'E-post är ogiltig', code: 2000359 } },
    });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ kind: 'validation', field: 'Customer.Email' });
  });

  it('a rate limit says when to come back', () => {
    const error = new RateLimitedError('429 Too Many Requests', { status: 429, retryAfterMs: 5000 });
    expect(error.retryAfterMs).toBe(5000);
    expect(error.toJSON()).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 5000 });
  });

  it('retryable can be overridden, except on a validation error', () => {
    expect(new ConflictError('locked, try again', { retryable: true }).retryable).toBe(true);
    expect(new TransientError('gave up', { retryable: false }).retryable).toBe(false);
    const forced = { retryable: true } as ConstructorParameters<typeof ValidationError>[1];
    expect(new ValidationError('bad', forced).retryable).toBe(false);
    expect(new ConnectorError('validation', 'bad', { retryable: true }).retryable).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(new TransientError('request failed', { cause }).cause).toBe(cause);
  });
});

describe('secrets never reach a message', () => {
  it('redact replaces every secret, also URL-encoded, longest first', () => {
    expect(redact(`GET /orders?consumer_secret=${SECRET}&x=${SECRET}`, [SECRET])).toBe(
      `GET /orders?consumer_secret=${REDACTED}&x=${REDACTED}`,
    );
    expect(redact('token a/b+c=?', ['a/b+c='])).toBe(`token ${REDACTED}?`);
    expect(redact('url ?k=a%2Fb%2Bc%3D', ['a/b+c='])).toBe(`url ?k=${REDACTED}`);
    expect(redact('pw ?p=two+words', ['two words'])).toBe(`pw ?p=${REDACTED}`);
    expect(redact('abcdef and abc', ['abc', 'abcdef'])).toBe(`${REDACTED} and ${REDACTED}`);
    expect(redact('nothing to hide', ['', SECRET])).toBe('nothing to hide');
    expect(redact('no secrets given', [])).toBe('no secrets given');
  });

  it('the base class scrubs its message, stack, details and cause', () => {
    const cause = new Error(`401 for key ${SECRET}`);
    const error = new AuthError(`WooCommerce refused consumer_secret=${SECRET}`, {
      secrets: [SECRET],
      details: {
        request: { url: `https://shop.test/wp-json/wc/v3/orders?consumer_secret=${SECRET}` },
        tries: 2,
      },
      cause,
    });
    expect(error.message).toBe(`WooCommerce refused consumer_secret=${REDACTED}`);
    expect(error.details).toEqual({
      request: { url: `https://shop.test/wp-json/wc/v3/orders?consumer_secret=${REDACTED}` },
      tries: 2,
    });
    expect((error.cause as Error).message).toBe(`401 for key ${REDACTED}`);
    expect(inspect(error)).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });
});

describe('toConnectorError', () => {
  it('passes connector errors through', () => {
    const error = new NotFoundError('gone');
    expect(toConnectorError(error)).toBe(error);
  });

  it('scrubs secrets from a connector error that forgot to, keeping its class and fields', () => {
    const error = new RateLimitedError(`429 for ${SECRET}`, { retryAfterMs: 1000, details: { key: SECRET } });
    const safe = toConnectorError(error, { secrets: [SECRET] });
    expect(safe).toBeInstanceOf(RateLimitedError);
    expect(safe).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 1000 });
    expect(safe.message).toBe(`429 for ${REDACTED}`);
    expect(safe.details).toEqual({ key: REDACTED });
    expect(inspect(safe)).not.toContain(SECRET);
    expect(error.message).toContain(SECRET); // the original is untouched
  });

  it('recognizes connector errors from another copy of the plugin API', () => {
    const foreign = Object.assign(Object.create({ [Symbol.for('koppla.connector-error')]: true }) as object, {
      kind: 'conflict',
      retryable: false,
      message: 'exists',
    });
    expect(isConnectorError(foreign)).toBe(true);
    expect(toConnectorError(foreign)).toBe(foreign);
  });

  it('an abort or a timeout is transient', () => {
    const aborted = toConnectorError(AbortSignal.abort().reason);
    expect(aborted).toBeInstanceOf(TransientError);
    expect(aborted.code).toBe('AbortError');
    const timedOut = toConnectorError(new DOMException('The operation timed out.', 'TimeoutError'));
    expect(timedOut).toMatchObject({ kind: 'transient', retryable: true, code: 'TimeoutError' });
  });

  it('a network failure under fetch is transient, with the system code', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
    const error = toConnectorError(new TypeError('fetch failed', { cause }));
    expect(error).toMatchObject({
      kind: 'transient',
      retryable: true,
      code: 'ECONNREFUSED',
      message: 'fetch failed',
    });
  });

  it('any other error is unknown and not retried, keeping its message and cause', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const error = toConnectorError(bug);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'unknown', retryable: false, message: bug.message });
    expect(error.cause).toBe(bug);
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['undefined', undefined, 'a non-error was thrown: undefined'],
    ['null', null, 'a non-error was thrown: null'],
    ['a number', 42, 'a non-error was thrown: 42'],
    ['an object', { status: 500, body: 'x' }, 'a non-error was thrown: {"status":500,"body":"x"}'],
    ['a symbol', Symbol('s'), 'a non-error was thrown: Symbol(s)'],
  ])('%s becomes an unknown connector error', (_what, thrown, message) => {
    const error = toConnectorError(thrown);
    expect(error).toMatchObject({ kind: 'unknown', retryable: false, message });
    expect(isConnectorError(error)).toBe(true);
  });

  it('a circular object or a huge one still gets a message', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(toConnectorError(circular).message).toBe('a non-error was thrown: [object Object]');
    expect(toConnectorError({ text: 'x'.repeat(500) }).message.length).toBeLessThan(260);
  });

  it('scrubs secrets from anything thrown', () => {
    const fromError = toConnectorError(new Error(`GET ?consumer_secret=${SECRET} failed`), {
      secrets: [SECRET],
    });
    expect(fromError.message).toBe(`GET ?consumer_secret=${REDACTED} failed`);
    expect(inspect(fromError)).not.toContain(SECRET);
    expect(toConnectorError(`token ${SECRET}`, { secrets: [SECRET] }).message).toBe(`token ${REDACTED}`);
    expect(toConnectorError({ token: SECRET }, { secrets: [SECRET] }).message).not.toContain(SECRET);
  });
});

describe('errorForHttpStatus', () => {
  it.each([
    [400, ValidationError],
    [401, AuthError],
    [403, AuthError],
    [404, NotFoundError],
    [408, TransientError],
    [409, ConflictError],
    [422, ValidationError],
    [429, RateLimitedError],
    [500, TransientError],
    [503, TransientError],
  ])('%i → %o', (status, type) => {
    const error = errorForHttpStatus(status, `HTTP ${status}`, { code: 'x' });
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status, code: 'x' });
  });

  it('passes retryAfterMs to a rate limit', () => {
    expect(errorForHttpStatus(429, 'slow', { retryAfterMs: 5000 })).toMatchObject({ retryAfterMs: 5000 });
  });
});
