import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.js';
import { compilePattern, validatePattern } from '../../../shared/domain/pattern/index.js';

type Row = [behaviour: string, pattern: unknown, problems: [path: string, message: RegExp][]];

const field = (entry: unknown) => ({ detail: { total: [entry] } });

const structure: Row[] = [
  ['refuses null', null, [['', /must be an object, not null/]]],
  ['refuses an array', [{ a: ['x'] }], [['', /must be an object, not an array/]]],
  ['refuses a string', '{"a":["x"]}', [['', /must be an object, not a string/]]],
  ['refuses an empty pattern', {}, [['', /pattern must not be empty/]]],
  [
    'refuses a leaf that is not a list',
    { source: 'aws.ec2' },
    [['source', /must be a list of values.*not a string/]],
  ],
  ['refuses a leaf that is a number', { detail: { total: 5 } }, [['detail.total', /not a number/]]],
  ['refuses an empty value list', { source: [] }, [['source', /at least one value/]]],
  ['refuses an empty nested object', { detail: {} }, [['detail', /must not be an empty object/]]],
  ['refuses a list inside a value list', { source: [['a']] }, [['source[0]', /not an array/]]],
  ['refuses a number that is not finite', { source: [Number.NaN] }, [['source[0]', /finite number/]]],
  ['refuses an empty operator object', field({}), [['detail.total[0]', /empty operator object/]]],
  [
    'refuses two operators in one object',
    field({ prefix: 'a', suffix: 'b' }),
    [['detail.total[0]', /exactly one operator, found 2: prefix, suffix/]],
  ],
  [
    'refuses an unknown operator',
    { detail: { x: [{ prefx: 'a' }] } },
    [['detail.x[0].prefx', /unknown operator "prefx"/]],
  ],
  [
    'refuses the undocumented exactly operator',
    field({ exactly: 'a' }),
    [['detail.total[0].exactly', /unknown operator/]],
  ],
];

const operators: Row[] = [
  [
    'refuses a prefix that is not a string',
    field({ prefix: 1 }),
    [['detail.total[0].prefix', /string or \{"equals-ignore-case"/]],
  ],
  [
    'refuses an unknown prefix option',
    field({ prefix: { 'ignore-case': 'a' } }),
    [['detail.total[0].prefix.ignore-case', /unknown prefix option/]],
  ],
  [
    'refuses a suffix ignoring case that is not a string',
    field({ suffix: { 'equals-ignore-case': 5 } }),
    [['detail.total[0].suffix.equals-ignore-case', /must be a string/]],
  ],
  [
    'refuses equals-ignore-case on a number',
    field({ 'equals-ignore-case': 5 }),
    [['detail.total[0].equals-ignore-case', /must be a string/]],
  ],
  [
    'refuses exists that is not a boolean',
    field({ exists: 'yes' }),
    [['detail.total[0].exists', /true or false/]],
  ],
  [
    'refuses consecutive wildcards',
    field({ wildcard: 'a**b' }),
    [['detail.total[0].wildcard', /two wildcards in a row at position 1/]],
  ],
  [
    'refuses a backslash escaping another character',
    field({ wildcard: 'a\\b' }),
    [['detail.total[0].wildcard', /invalid escape at position 1/]],
  ],
  [
    'refuses a trailing backslash',
    field({ wildcard: 'ab\\' }),
    [['detail.total[0].wildcard', /invalid escape at position 2/]],
  ],
  [
    'refuses a wildcard that is not a string',
    field({ wildcard: ['*'] }),
    [['detail.total[0].wildcard', /must be a string/]],
  ],
  [
    'refuses a CIDR without a mask',
    field({ cidr: '10.0.0.0' }),
    [['detail.total[0].cidr', /not a CIDR block/]],
  ],
  [
    'refuses a CIDR with a bad address',
    field({ cidr: '300.0.0.0/8' }),
    [['detail.total[0].cidr', /not an IPv4 or IPv6 address/]],
  ],
  [
    'refuses an IPv4 /32 as EventBridge does',
    field({ cidr: '10.0.0.1/32' }),
    [['detail.total[0].cidr', /from 0 to 31/]],
  ],
  [
    'refuses an IPv6 /128 as EventBridge does',
    field({ cidr: '2001:db8::1/128' }),
    [['detail.total[0].cidr', /from 0 to 127/]],
  ],
  [
    'refuses a mask that is not a number',
    field({ cidr: '10.0.0.0/x' }),
    [['detail.total[0].cidr', /whole number/]],
  ],
];

const numeric: Row[] = [
  [
    'refuses an unknown comparison',
    field({ numeric: ['=>', 1] }),
    [['detail.total[0].numeric', /unknown comparison "=>"/]],
  ],
  [
    'refuses a list not starting with a comparison',
    field({ numeric: [1, '<'] }),
    [['detail.total[0].numeric', /must start with a comparison/]],
  ],
  [
    'refuses a bound that is not a number',
    field({ numeric: ['>', '5'] }),
    [['detail.total[0].numeric', /after ">" must be a number, not a string/]],
  ],
  [
    'refuses a missing bound',
    field({ numeric: ['<'] }),
    [['detail.total[0].numeric', /after "<" must be a number, not undefined/]],
  ],
  [
    'refuses a value that is not a list',
    field({ numeric: 5 }),
    [['detail.total[0].numeric', /must be a list/]],
  ],
  [
    'refuses an empty range',
    field({ numeric: ['>', 5, '<', 5] }),
    [['detail.total[0].numeric', /lower bound 5 must be below the upper bound 5/]],
  ],
  [
    'refuses an inverted range',
    field({ numeric: ['>=', 5, '<=', 4] }),
    [['detail.total[0].numeric', /lower bound 5 must be below/]],
  ],
  [
    'refuses the upper bound first',
    field({ numeric: ['<', 10, '>', 0] }),
    [['detail.total[0].numeric', /lower bound first/]],
  ],
  [
    'refuses a second lower bound',
    field({ numeric: ['>', 0, '>', 5] }),
    [['detail.total[0].numeric', /upper bound must use "<" or "<="/]],
  ],
  [
    'refuses = with more than one number',
    field({ numeric: ['=', 1, '<', 2] }),
    [['detail.total[0].numeric', /"=" takes exactly one number/]],
  ],
  [
    'refuses a three-element range',
    field({ numeric: ['>', 0, '<'] }),
    [['detail.total[0].numeric', /has 3 elements/]],
  ],
  [
    'refuses a bound beyond 5e9',
    field({ numeric: ['<', 6e9] }),
    [['detail.total[0].numeric', /outside the range/]],
  ],
];

const anythingBut: Row[] = [
  [
    'refuses a list mixing strings and numbers',
    field({ 'anything-but': ['a', 1] }),
    [['detail.total[0].anything-but', /mixes strings and numbers/]],
  ],
  [
    'refuses an empty list',
    field({ 'anything-but': [] }),
    [['detail.total[0].anything-but', /at least one value/]],
  ],
  ['refuses a boolean', field({ 'anything-but': true }), [['detail.total[0].anything-but', /not a boolean/]]],
  [
    'refuses null inside the list',
    field({ 'anything-but': ['a', null] }),
    [['detail.total[0].anything-but[1]', /only strings or only numbers, not null/]],
  ],
  [
    'refuses an unknown option',
    field({ 'anything-but': { prefx: 'a' } }),
    [['detail.total[0].anything-but.prefx', /unknown anything-but option "prefx"/]],
  ],
  [
    'refuses two options',
    field({ 'anything-but': { prefix: 'a', suffix: 'b' } }),
    [['detail.total[0].anything-but', /exactly one of/]],
  ],
  [
    'refuses an empty prefix',
    field({ 'anything-but': { prefix: '' } }),
    [['detail.total[0].anything-but.prefix', /must not be empty/]],
  ],
  [
    'refuses an empty suffix in a list',
    field({ 'anything-but': { suffix: ['.txt', ''] } }),
    [['detail.total[0].anything-but.suffix', /must not be empty/]],
  ],
  [
    'refuses numbers ignoring case',
    field({ 'anything-but': { 'equals-ignore-case': [1] } }),
    [['detail.total[0].anything-but.equals-ignore-case', /list of strings/]],
  ],
  [
    'refuses a bad wildcard',
    field({ 'anything-but': { wildcard: ['*/lib/*', 'a**'] } }),
    [['detail.total[0].anything-but.wildcard', /"a\*\*" has two wildcards/]],
  ],
];

const or: Row[] = [
  [
    'refuses $or that is not a list',
    { $or: { a: ['x'] } },
    [['$or', /at least two objects, found an object/]],
  ],
  ['refuses $or with a single branch', { $or: [{ a: ['x'] }] }, [['$or', /found 1 element$/]]],
  [
    'refuses a $or branch that is not an object',
    { $or: [{ a: ['x'] }, ['b']] },
    [['$or[1]', /non-empty object, not an array/]],
  ],
  ['refuses an empty $or branch', { $or: [{ a: ['x'] }, {}] }, [['$or[1]', /not an empty object/]]],
  [
    'refuses reserved words as field names inside $or',
    { $or: [{ numeric: [123] }, { prefix: ['abc'] }] },
    [
      ['$or[0].numeric', /"numeric" is a reserved word/],
      ['$or[1].prefix', /"prefix" is a reserved word/],
    ],
  ],
  [
    'refuses reserved words deeper inside $or',
    { detail: { $or: [{ a: { exists: ['x'] } }, { b: ['y'] }] } },
    [['detail.$or[0].a.exists', /reserved word/]],
  ],
  [
    'refuses problems inside a $or branch with their path',
    { $or: [{ a: [{ prefix: 1 }] }, { b: ['y'] }] },
    [['$or[0].a[0].prefix', /must be a string/]],
  ],
];

/** 2^11 alternatives: each level holds a two-branch $or and nests the next level. */
const nestedOr = (depth: number): Record<string, unknown> =>
  depth === 0 ? { leaf: ['x'] } : { $or: [{ a: ['1'] }, { b: ['2'] }], next: nestedOr(depth - 1) };

describe('validatePattern', () => {
  describe.each([
    ['structure', structure],
    ['operators', operators],
    ['numeric', numeric],
    ['anything-but', anythingBut],
    ['$or', or],
  ])('%s', (_section, rows) => {
    it.each(rows)('%s', (_behaviour, pattern, expected) => {
      const problems = validatePattern(pattern);
      expect(problems.map((p) => p.path)).toEqual(expected.map(([path]) => path));
      problems.forEach((problem, i) => {
        expect(problem.message).toMatch(expected[i]?.[1] ?? /^$/);
      });
    });
  });

  it('lists every problem of the pattern, each with its path', () => {
    const problems = validatePattern({
      source: 'aws.ec2',
      detail: { total: [{ numeric: ['>', 'x'] }], state: [{ prefx: 'a' }], ok: ['fine'], empty: [] },
      $or: [{ a: ['1'] }],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'source',
      'detail.total[0].numeric',
      'detail.state[0].prefx',
      'detail.empty',
      '$or',
    ]);
  });

  it('accepts reserved words as field names outside $or', () => {
    expect(validatePattern({ detail: { prefix: ['x'], numeric: { exists: [1] } } })).toEqual([]);
  });

  it('refuses a pattern whose $or branches combine into too many cases', () => {
    expect(validatePattern(nestedOr(9))).toEqual([]);
    expect(validatePattern(nestedOr(11))).toEqual([
      { path: '', message: expect.stringMatching(/too complex.*2048 cases/) },
    ]);
  });
});

describe('compilePattern on a bad pattern', () => {
  it('throws a ValidationError that carries every problem', () => {
    const pattern = { detail: { total: [{ numeric: ['>', 'x'] }], state: 'on' } };
    const error = (() => {
      try {
        compilePattern(pattern);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual(validatePattern(pattern));
    expect((error as ValidationError).message).toMatch(/not valid at detail\.total\[0\]\.numeric/);
  });

  it('throws on an empty pattern', () => {
    expect(() => compilePattern({})).toThrow(/pattern must not be empty/);
  });
});
