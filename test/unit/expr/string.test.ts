import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../core/expr/index.ts';
import { call } from './call.ts';

describe('string operators', () => {
  it('trim, upper and lower', () => {
    expect(call('str.trim', '  Anna Andersson \n')).toBe('Anna Andersson');
    expect(call('str.upper', 'se')).toBe('SE');
    expect(call('str.lower', 'Anna@Example.SE')).toBe('anna@example.se');
    expect(call('str.upper', 'åäö')).toBe('ÅÄÖ');
  });

  it('truncate to a maximum length, never splitting a character', () => {
    expect(call('str.truncate', 'Tröja, blå, storlek M', 5)).toBe('Tröja');
    expect(call('str.truncate', 'short', 50)).toBe('short');
    expect(call('str.truncate', 'abc', 0)).toBe('');
    expect(call('str.truncate', '😀😀😀', 2)).toBe('😀😀');
  });

  it('pad at the start by default, or at the end, with a chosen character', () => {
    expect(call('str.pad', '42', 6, '0')).toBe('000042');
    expect(call('str.pad', 42, 6, '0')).toBe('000042');
    expect(call('str.pad', 'ab', 4)).toBe('  ab');
    expect(call('str.pad', 'ab', 4, '.', 'end')).toBe('ab..');
    expect(call('str.pad', 'abcdef', 4, '0')).toBe('abcdef');
  });

  it('replace every occurrence literally, not as a pattern', () => {
    expect(call('str.replace', '556123-4567', '-', '')).toBe('5561234567');
    expect(call('str.replace', 'a.b.c', '.', '/')).toBe('a/b/c');
    expect(call('str.replace', 'x$&x', '$&', 'y')).toBe('xyx');
    expect(call('str.replace', 'aaa', 'a', '$&$&')).toBe('$&$&$&$&$&$&');
  });

  it('digits keeps only 0–9', () => {
    expect(call('str.digits', 'SE 556123-4567 01')).toBe('556123456701');
    expect(call('str.digits', '٣٤')).toBe('');
    expect(call('str.digits', 5_561_234_567)).toBe('5561234567');
  });

  it('map null (and a missing value) to null', () => {
    for (const op of ['str.trim', 'str.upper', 'str.lower', 'str.digits'])
      expect(call(op, null), op).toBeNull();
    expect(call('str.truncate', null, 3)).toBeNull();
    expect(call('str.pad', null, 3)).toBeNull();
    expect(call('str.replace', null, 'a', 'b')).toBeNull();
    expect(evaluate({ 'str.trim': { var: 'record.missing' } }, { record: {} })).toBeNull();
  });

  it('default supplies a fallback for null, missing and empty strings only', () => {
    expect(call('str.default', null, 'n/a')).toBe('n/a');
    expect(call('str.default', '', 'n/a')).toBe('n/a');
    expect(evaluate({ 'str.default': [{ var: 'nope' }, 'n/a'] }, {})).toBe('n/a');
    expect(call('str.default', 'x', 'n/a')).toBe('x');
    expect(call('str.default', 0, 'n/a')).toBe(0);
    expect(call('str.default', false, 'n/a')).toBe(false);
    expect(call('str.default', ' ', 'n/a')).toBe(' ');
  });

  it('refuse non-string input and bad parameters', () => {
    expect(() => call('str.trim', { a: 1 })).toThrow(
      /str\.trim: argument 1 \(s\) must be a string, got an object/,
    );
    expect(() => call('str.upper', ['a'])).toThrow(/must be a string, got an array/);
    expect(() => call('str.truncate', 'abc', -1)).toThrow(/argument 2 \(maxLength\) must be an integer/);
    expect(() => call('str.pad', 'a', 3, 'ab')).toThrow(/argument 3 \(char\) must be exactly one character/);
    expect(() => call('str.pad', 'a', 3, '0', 'left')).toThrow(
      /argument 4 \(side\) must be one of 'start', 'end'/,
    );
    expect(() => call('str.pad', 'a', 1_000_000)).toThrow(
      /argument 2 \(length\) must be an integer from 0 to 10000/,
    );
    expect(() => call('str.replace', 'abc', '', 'x')).toThrow(
      /argument 2 \(search\) must be a non-empty string/,
    );
  });
});
