import { describe, expect, it } from 'vitest';
import { compilePattern, type EventPattern } from '../../../shared/domain/pattern/index.js';

type Row = [behaviour: string, pattern: EventPattern, event: unknown, matches: boolean];

const order = (detail: Record<string, unknown>) => ({
  'detail-type': 'order.placed',
  source: 'shop',
  detail,
});

const values: Row[] = [
  [
    'matches when the order total is above 100',
    { detail: { total: [{ numeric: ['>', 100] }] } },
    order({ total: 120.5 }),
    true,
  ],
  [
    'does not match when the order total is exactly 100',
    { detail: { total: [{ numeric: ['>', 100] }] } },
    order({ total: 100 }),
    false,
  ],
  [
    'includes the bound with >=',
    { detail: { total: [{ numeric: ['>=', 100] }] } },
    order({ total: 100 }),
    true,
  ],
  [
    'does not compare a numeric string numerically',
    { detail: { total: [{ numeric: ['>', 100] }] } },
    order({ total: '120' }),
    false,
  ],
  [
    'matches numeric = whatever the notation was',
    { detail: { total: [{ numeric: ['=', 300] }] } },
    JSON.parse('{"detail":{"total":3.0e2}}'),
    true,
  ],
  [
    'matches negative ranges',
    { detail: { delta: [{ numeric: ['>=', -10, '<', -1] }] } },
    order({ delta: -10 }),
    true,
  ],
  [
    'compares exact numbers by value, as parsed JSON keeps no number text',
    { detail: { total: [300] } },
    JSON.parse('{"detail":{"total":300.0}}'),
    true,
  ],
  ['does not take the string "true" for true', { detail: { gift: [true] } }, order({ gift: 'true' }), false],
  ['matches the boolean false', { detail: { gift: [false] } }, order({ gift: false }), true],
  [
    'does not take the string "null" for null',
    { detail: { coupon: [null] } },
    order({ coupon: 'null' }),
    false,
  ],
  ['does not match null against a missing field', { detail: { coupon: [null] } }, order({}), false],
  [
    'matches any string with an empty prefix',
    { detail: { sku: [{ prefix: '' }] } },
    order({ sku: 'A-1' }),
    true,
  ],
  ['does not apply a prefix to numbers', { detail: { sku: [{ prefix: '1' }] } }, order({ sku: 12 }), false],
  [
    'does not apply equals-ignore-case to numbers',
    { detail: { sku: [{ 'equals-ignore-case': '12' }] } },
    order({ sku: 12 }),
    false,
  ],
  [
    'matches one of several conditions on a field',
    { detail: { sku: ['X', { prefix: 'A-' }, { numeric: ['>', 5] }] } },
    order({ sku: 9 }),
    true,
  ],
  [
    'ignores fields the pattern does not name',
    { 'detail-type': ['order.placed'] },
    order({ total: 1 }),
    true,
  ],
  ['needs every named field', { 'detail-type': ['order.placed'], detail: { total: [1] } }, order({}), false],
  [
    'does not match a value against a nested object',
    { detail: [{ exists: true }] },
    order({ total: 1 }),
    false,
  ],
];

const anythingBut: Row[] = [
  [
    'matches a number when strings are excluded',
    { detail: { s: [{ 'anything-but': 'a' }] } },
    order({ s: 1 }),
    true,
  ],
  [
    'matches null when strings are excluded',
    { detail: { s: [{ 'anything-but': ['a'] }] } },
    order({ s: null }),
    true,
  ],
  [
    'matches a numeric string when numbers are excluded',
    { detail: { n: [{ 'anything-but': [100] }] } },
    order({ n: '100' }),
    true,
  ],
  [
    'matches a number when a prefix is excluded',
    { detail: { s: [{ 'anything-but': { prefix: '1' } }] } },
    order({ s: 12 }),
    true,
  ],
  ['does not match a missing field', { detail: { s: [{ 'anything-but': 'a' }] } }, order({}), false],
  [
    'does not match an object field',
    { detail: { s: [{ 'anything-but': 'a' }] } },
    order({ s: { t: 'b' } }),
    false,
  ],
  [
    'matches an array holding some other value',
    { detail: { tags: [{ 'anything-but': 'vip' }] } },
    order({ tags: ['vip', 'new'] }),
    true,
  ],
  [
    'does not match an array of only excluded values',
    { detail: { tags: [{ 'anything-but': 'vip' }] } },
    order({ tags: ['vip'] }),
    false,
  ],
  [
    'does not match an empty array',
    { detail: { tags: [{ 'anything-but': 'vip' }] } },
    order({ tags: [] }),
    false,
  ],
];

const wildcardCidr: Row[] = [
  ['matches anything, even empty, with a lone *', { s: [{ wildcard: '*' }] }, { s: '' }, true],
  ['treats \\* as a literal asterisk', { s: [{ wildcard: 'a\\*b' }] }, { s: 'a*b' }, true],
  ['does not treat \\* as a wildcard', { s: [{ wildcard: 'a\\*b' }] }, { s: 'axb' }, false],
  ['treats \\\\ as a literal backslash', { s: [{ wildcard: 'a\\\\b*' }] }, { s: 'a\\bc' }, true],
  ['matches wildcards in the middle in order', { s: [{ wildcard: 'a*b*c' }] }, { s: 'aXbYc' }, true],
  ['does not let a middle part overlap the suffix', { s: [{ wildcard: 'a*bc*c' }] }, { s: 'abc' }, false],
  ['needs the whole value for a wildcard without *', { s: [{ wildcard: 'abc' }] }, { s: 'abcd' }, false],
  [
    'matches an IPv6 address inside its block',
    { ip: [{ cidr: '2001:db8::/32' }] },
    { ip: '2001:db8:0:0:1::7' },
    true,
  ],
  [
    'does not match an IPv6 address outside its block',
    { ip: [{ cidr: '2001:db8::/32' }] },
    { ip: '2001:db9::1' },
    false,
  ],
  [
    'does not match an IPv4 address against an IPv6 block',
    { ip: [{ cidr: '::/0' }] },
    { ip: '10.0.0.1' },
    false,
  ],
  ['matches any IPv4 address with /0', { ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '192.168.1.1' }, true],
  [
    'matches within a mask that is not byte aligned',
    { ip: [{ cidr: '10.0.0.0/9' }] },
    { ip: '10.127.255.255' },
    true,
  ],
  [
    'stops at the end of a mask that is not byte aligned',
    { ip: [{ cidr: '10.0.0.0/9' }] },
    { ip: '10.128.0.0' },
    false,
  ],
  [
    'does not match a string that is not an address',
    { ip: [{ cidr: '10.0.0.0/8' }] },
    { ip: '10.0.0' },
    false,
  ],
];

const employees = (list: unknown) => ({ detail: { employees: list } });

const arrays: Row[] = [
  [
    'matches a field of objects inside an array',
    { detail: { employees: { firstName: ['Anna'] } } },
    employees([{ firstName: 'John' }, { firstName: 'Anna' }]),
    true,
  ],
  [
    'binds the fields of an object to one array element',
    { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } },
    employees([
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ]),
    false,
  ],
  [
    'matches when one element holds all the fields',
    { detail: { employees: { firstName: ['Peter'], lastName: ['Jones'] } } },
    employees([
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ]),
    true,
  ],
  [
    'looks through arrays of arrays',
    { detail: { employees: { firstName: ['Peter'] } } },
    employees([[{ firstName: 'John' }], [{ firstName: 'Peter' }]]),
    true,
  ],
  [
    'keeps $or branches bound to the same element',
    { items: { sku: ['A'], $or: [{ qty: [1] }, { qty: [2] }] } },
    {
      items: [
        { sku: 'A', qty: 3 },
        { sku: 'B', qty: 1 },
      ],
    },
    false,
  ],
  [
    'matches a $or branch within the same element',
    { items: { sku: ['A'], $or: [{ qty: [1] }, { qty: [2] }] } },
    {
      items: [
        { sku: 'B', qty: 1 },
        { sku: 'A', qty: 2 },
      ],
    },
    true,
  ],
  [
    'checks absent fields within the element chosen by present ones',
    { items: { sku: ['A'], discount: [{ exists: false }] } },
    { items: [{ sku: 'A', discount: 5 }, { sku: 'A' }] },
    true,
  ],
  [
    'does not match absent fields when the chosen element has them',
    { items: { sku: ['A'], discount: [{ exists: false }] } },
    { items: [{ sku: 'A', discount: 5 }, { sku: 'B' }] },
    false,
  ],
  [
    'treats a field as existing when any array element has it',
    { detail: { employees: { middleName: [{ exists: false }] } } },
    employees([{ firstName: 'Anna', middleName: 'Maria' }, { firstName: 'John' }]),
    false,
  ],
  [
    'treats a field under an empty array as missing',
    { detail: { employees: { middleName: [{ exists: false }] } } },
    employees([]),
    true,
  ],
  ['does not see an empty array as an existing value', { tags: [{ exists: true }] }, { tags: [] }, false],
  ['sees null as an existing value', { coupon: [{ exists: true }] }, { coupon: null }, true],
  ['sees a value inside an array as existing', { tags: [{ exists: true }] }, { tags: [[], ['x']] }, true],
];

const absenceAndOr: Row[] = [
  [
    'matches exists:false when the parent object is missing',
    { detail: { x: [{ exists: false }] } },
    {},
    true,
  ],
  [
    'matches exists:false when the parent is a plain value',
    { detail: { x: [{ exists: false }] } },
    { detail: 'text' },
    true,
  ],
  [
    'matches a field that is missing or has a value',
    { detail: { coupon: [{ exists: false }, 'SPRING'] } },
    order({}),
    true,
  ],
  [
    'matches the listed value next to exists:false',
    { detail: { coupon: [{ exists: false }, 'SPRING'] } },
    order({ coupon: 'SPRING' }),
    true,
  ],
  [
    'does not match another value next to exists:false',
    { detail: { coupon: [{ exists: false }, 'SPRING'] } },
    order({ coupon: 'FALL' }),
    false,
  ],
  [
    'matches a $or whose branch asks for an absent field',
    { $or: [{ detail: { tier: ['gold'] } }, { detail: { tier: [{ exists: false }] } }] },
    order({ total: 1 }),
    true,
  ],
  [
    'matches nested $or inside $or',
    { $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: ['3'] }, { d: ['4'] }] }] },
    { b: '2', d: '4' },
    true,
  ],
  [
    'does not match nested $or when the inner one fails',
    { $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: ['3'] }, { d: ['4'] }] }] },
    { b: '2', d: '5' },
    false,
  ],
  [
    'combines parallel $or at two levels',
    { $or: [{ m: ['x'] }, { n: ['y'] }], detail: { $or: [{ s: ['a'] }, { t: ['b'] }] } },
    { n: 'y', detail: { t: 'b' } },
    true,
  ],
  [
    'needs the fields outside $or as well as one branch',
    { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] },
    { a: '2' },
    false,
  ],
];

const oddEvents: Row[] = [
  ['does not read inherited properties such as constructor', { constructor: [{ exists: true }] }, {}, false],
  ['sees an inherited name as missing', { toString: [{ exists: false }] }, { a: 1 }, true],
  [
    'reads an own property named like an inherited one',
    { constructor: ['x'] },
    JSON.parse('{"constructor":"x"}'),
    true,
  ],
  [
    'reads an own __proto__ property from parsed JSON',
    JSON.parse('{"__proto__":["x"]}'),
    JSON.parse('{"__proto__":"x"}'),
    true,
  ],
  ['does not match null as an event', { a: ['x'] }, null, false],
  ['does not match a string as an event', { a: ['x'] }, 'a', false],
  ['matches absence in an event that is not an object', { a: [{ exists: false }] }, 42, true],
  [
    'matches an event that is an array of objects through one element',
    { a: ['x'] },
    [{ a: 'y' }, { a: 'x' }],
    true,
  ],
];

describe('compilePattern', () => {
  describe.each([
    ['values and types', values],
    ['anything-but', anythingBut],
    ['wildcard and cidr', wildcardCidr],
    ['arrays in the event', arrays],
    ['absent fields and $or', absenceAndOr],
    ['unusual events', oddEvents],
  ])('%s', (_section, rows) => {
    it.each(rows)('%s', (_behaviour, pattern, event, matches) => {
      expect(compilePattern(pattern)(event)).toBe(matches);
    });
  });

  it('gives the same answer when called again on the same event', () => {
    const matcher = compilePattern({ detail: { total: [{ numeric: ['>', 100] }] } });
    const event = order({ total: 150 });
    expect([matcher(event), matcher(event)]).toEqual([true, true]);
  });
});
