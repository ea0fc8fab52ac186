/**
 * Seeded ways to spoil a real OTLP body: byte-level damage for protobuf (flips, truncation, huge
 * varint lengths, invalid wire types, splices), value-level damage for JSON (hostile numbers, wrong
 * types, prototype-named keys, deep nesting) and text-level damage for both. The same seed gives the
 * same bodies, so a failure reproduces.
 */
export type Random = () => number;

export interface Mutated {
  body: Uint8Array;
  /** What was done, for the failure message. */
  how: string;
}

export const int = (random: Random, below: number): number => Math.floor(random() * below);
export const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

function randomBytes(random: Random, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = int(random, 256);
  return bytes;
}

function splice(body: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  return Buffer.concat([body.subarray(0, at), insert, body.subarray(Math.min(body.length, at + remove))]);
}

/** A varint far past any buffer: where a length is expected, it claims ~34 GB. */
const HUGE_VARINT = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x7f]);

const BYTE_MUTATIONS: readonly ((random: Random, body: Uint8Array) => Mutated)[] = [
  (random, body) => {
    const copy = Uint8Array.from(body);
    const count = 1 + int(random, 8);
    for (let i = 0; i < count && copy.length > 0; i++) copy[int(random, copy.length)] = int(random, 256);
    return { body: copy, how: `${count} random bytes` };
  },
  (random, body) => {
    const length = int(random, body.length);
    return { body: body.subarray(0, length), how: `truncated to ${length} bytes` };
  },
  (random, body) => {
    const at = int(random, body.length);
    return { body: splice(body, at, 1, HUGE_VARINT), how: `huge varint at byte ${at}` };
  },
  (random, body) => {
    // Tag bytes with wire types 3, 4 (groups), 6 and 7 (invalid) and field 0.
    const at = int(random, body.length);
    const tag = pick(random, [0x0b, 0x0c, 0x0e, 0x0f, 0x00, 0x03, 0x4b, 0x7f]);
    return { body: splice(body, at, 1, Uint8Array.of(tag)), how: `tag 0x${tag.toString(16)} at byte ${at}` };
  },
  (random, body) => {
    const at = int(random, body.length + 1);
    const length = 1 + int(random, 64);
    return {
      body: splice(body, at, 0, randomBytes(random, length)),
      how: `${length} bytes inserted at ${at}`,
    };
  },
  (random, body) => {
    const from = int(random, body.length);
    const to = from + int(random, body.length - from + 1);
    const at = int(random, body.length + 1);
    return {
      body: splice(body, at, 0, body.subarray(from, to)),
      how: `bytes ${from}..${to} copied to ${at}`,
    };
  },
  (random, body) => ({ body: Buffer.concat([body, body]), how: 'body twice' }),
  (random) => {
    const length = int(random, 2048);
    return { body: randomBytes(random, length), how: `${length} random bytes only` };
  },
  () => ({ body: new Uint8Array(0), how: 'empty body' }),
];

export function mutateBytes(random: Random, body: Uint8Array): Mutated {
  return pick(random, BYTE_MUTATIONS)(random, body);
}

const DEEP = 5_000;
// Nesting this deep is written as text: building it as objects would overflow JSON.stringify here.
const DEEP_KVLIST = '\u0001deep kvlist';
const DEEP_ARRAY = '\u0001deep array';
const DEEP_TEXT: Record<string, string> = {
  [JSON.stringify(DEEP_KVLIST)]:
    '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(DEEP) +
    '{"stringValue":"b"}' +
    '}]}}'.repeat(DEEP),
  [JSON.stringify(DEEP_ARRAY)]: '['.repeat(DEEP) + '1' + ']'.repeat(DEEP),
};
const withDeepText = (text: string) =>
  Object.entries(DEEP_TEXT).reduce((result, [marker, deep]) => result.replaceAll(marker, deep), text);
const HOSTILE_VALUES: readonly (() => unknown)[] = [
  () => -1,
  () => '-1',
  () => '18446744073709551616',
  () => '9223372036854775808',
  () => '-9223372036854775809',
  () => 1e308,
  () => 1.5,
  () => 'NaN',
  () => null,
  () => true,
  () => [],
  () => ({}),
  () => '',
  () => 'zz',
  () => 'x'.repeat(100_000),
  () => '\u0000\n\u001b[31m',
  () => JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": 2}}') as unknown,
  () => DEEP_KVLIST,
  () => DEEP_ARRAY,
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every [container, key] in the document, so one can be picked at random. */
function slots(value: Json, into: [Json[] | Record<string, Json>, string | number][] = []) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      into.push([value, i]);
      slots(item, into);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      into.push([value, key]);
      slots(value[key]!, into);
    }
  }
  return into;
}

const JSON_MUTATIONS: readonly ((random: Random, document: Json, text: string) => Mutated)[] = [
  (random, document) => {
    const all = slots(document);
    const count = 1 + int(random, 3);
    const changed: string[] = [];
    for (let i = 0; i < count && all.length > 0; i++) {
      const [container, key] = pick(random, all);
      const index = int(random, HOSTILE_VALUES.length);
      (container as Record<string, unknown>)[key] = HOSTILE_VALUES[index]!();
      changed.push(`${key}=hostile#${index}`);
    }
    return { body: Buffer.from(withDeepText(JSON.stringify(document))), how: `values ${changed.join(', ')}` };
  },
  (random, document, text) => {
    // Renames a key in the text, so `__proto__` arrives as a real key.
    const keys = [...text.matchAll(/"([A-Za-z]+)":/g)];
    if (keys.length === 0) return { body: Buffer.from(text), how: 'unchanged' };
    const match = pick(random, keys);
    const to = pick(random, ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
    const at = match.index;
    return {
      body: Buffer.from(`${text.slice(0, at)}"${to}":${text.slice(at + match[0].length)}`),
      how: `key ${match[1]} renamed ${to}`,
    };
  },
  (random, document, text) => {
    const length = int(random, text.length);
    return { body: Buffer.from(text.slice(0, length)), how: `text truncated to ${length}` };
  },
  (random, document, text) => {
    const at = int(random, text.length);
    const char = pick(random, ['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '-', 'e', '\ud800']);
    return {
      body: Buffer.from(text.slice(0, at) + char + text.slice(at)),
      how: `"${char}" inserted at ${at}`,
    };
  },
  (random, document) => {
    const wrapped = pick(random, [[document], 'text', 42, null, { resourceSpans: document }]);
    return { body: Buffer.from(JSON.stringify(wrapped)), how: 'document wrapped' };
  },
];

export function mutateJson(random: Random, body: Uint8Array): Mutated {
  const text = Buffer.from(body).toString('utf8');
  return pick(random, JSON_MUTATIONS)(random, JSON.parse(text) as Json, text);
}
