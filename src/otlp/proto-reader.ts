/**
 * A minimal protobuf wire-format reader for the OTLP decoders. Written here rather than taken from
 * protobufjs's `Reader` because the decoders need three things it does not give: fixed64 as an exact
 * bigint without Long.js (timestamps exceed 2^53), the byte offset of every failure for the error
 * message, and ids read straight into hex. Every read checks bounds and throws `ProtoError`.
 */
import { Buffer } from 'node:buffer';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const WIRE_TYPE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

/** A decoding failure at a byte offset; the decoders prepend the path of fields being read. */
export class ProtoError extends Error {
  readonly path: string[] = [];

  constructor(
    readonly reason: string,
    readonly byte: number,
  ) {
    super(reason);
  }

  /** Records that the failure happened inside `field` (outer decoders call this last, so it unshifts). */
  within(field: string): this {
    this.path.unshift(field);
    return this;
  }
}

const KEY_CACHE_BITS = 8; // 256 slots: far more than the distinct attribute keys of a batch
const MAX_CACHED_STRING = 64; // keys and short values; longer ones have a table of their own
/**
 * Longer strings in a table of their own, so that values unique to a span (full URLs, stack lines)
 * do not evict the keys: parameterized statements (`db.query.text`), user agents and messages repeat
 * across a batch's spans, and finding one again costs a comparison instead of a UTF-8 decode and, in
 * the attribute index's maps, a hash of a new string (~0.4 µs a span for one 80-byte statement).
 */
const LONG_CACHE_BITS = 6;
const MAX_CACHED_LONG_STRING = 256;
const ID_CACHE_BITS = 7; // 128 slots: an SDK batch of 512 spans holds ~64 traces
// Spelled out: `2 ** ID_CACHE_BITS` in repeatedHex called Math.pow for every span (~1% of decoding).
const ID_CACHE_MASK = (1 << ID_CACHE_BITS) - 1;
const TWO_POW_32 = 4_294_967_296;
const SAFE_HIGH_WORD = 2_097_152; // 2^21: a high word below this keeps hi * 2^32 + lo within 2^53

/**
 * A string a reader decoded, where its bytes lie in the reader's buffer and, for an attribute key
 * (span-columns.ts), the owner it was last a key of and its place there. The id cache's entries
 * carry the two fields too, unused, so that both caches' entries share one shape.
 */
export interface CachedText {
  start: number;
  length: number;
  text: string;
  /** UNMARKED until a caller marks it; NEVER_MARKED for good. */
  keyOwner: number;
  keyAt: number;
}

/** A CachedText's keyOwner before any caller marked it. */
export const UNMARKED = -1;
/**
 * The keyOwner of an entry no caller may mark, so its text is always compared with a span's keys:
 * a text holding U+FFFD, which every invalid UTF-8 sequence becomes (other bytes may decode to it
 * too, so equal texts need not share an entry and no mark can stand for the text), and a text
 * longer than MAX_CACHED_STRING (keys that long are rare, and looking for U+FFFD in it costs more).
 */
export const NEVER_MARKED = -2;

export class ProtoReader {
  pos = 0;
  private readonly view: DataView;
  /** The same bytes as a Buffer: its native UTF-8 decode is ~2× TextDecoder's on short strings. */
  private readonly text: Buffer;
  private readonly keyCache: (CachedText | undefined)[] = new Array<undefined>(2 ** KEY_CACHE_BITS);
  /** Made at the first string longer than MAX_CACHED_STRING. */
  private longCache: (CachedText | undefined)[] | undefined;
  /** The entry of the string repeatedString last returned; undefined when that bypassed the cache. */
  lastCached: CachedText | undefined;

  /** Made at the first repeatedHex: readers of one stored span never need it. */
  private idCache: (CachedText | undefined)[] | undefined;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get length(): number {
    return this.buf.length;
  }

  /** Reads a field key; returns `fieldNumber << 3 | wireType`. */
  tag(): number {
    const start = this.pos;
    const key = this.varint32();
    if (key >>> 3 === 0) throw new ProtoError(`invalid field number 0 (key ${key})`, start);
    return key >>> 0;
  }

  /** A varint truncated to its low 32 bits (uint32, int32 and enums; negative int32 take 10 bytes). */
  varint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < buf.length) {
      const first = buf[pos]!;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= buf.length) throw new ProtoError('truncated buffer inside a varint', pos);
      const b = buf[pos++]!;
      if (shift < 32) value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new ProtoError('varint longer than 10 bytes', this.pos);
  }

  uint32(): number {
    return this.varint32();
  }

  int32(): number {
    return this.varint32() | 0;
  }

  bool(): boolean {
    return this.varint32() !== 0;
  }

  /**
   * A signed int64 varint as a number when it is a safe integer, else as its exact decimal string
   * (the model's rule for AnyValue ints beyond ±2^53).
   */
  int64(): number | string {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    let b: number;
    let done = false;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= buf.length) throw new ProtoError('truncated buffer inside a varint', pos);
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        done = true;
        break;
      }
    }
    if (!done) {
      if (pos >= buf.length) throw new ProtoError('truncated buffer inside a varint', pos);
      b = buf[pos++]!;
      lo |= (b & 0x7f) << 28;
      hi = (b & 0x7f) >> 4;
      done = b < 0x80;
      for (let shift = 3; !done && shift < 38; shift += 7) {
        if (pos >= buf.length) throw new ProtoError('truncated buffer inside a varint', pos);
        b = buf[pos++]!;
        hi |= (b & 0x7f) << shift;
        done = b < 0x80;
      }
      if (!done) throw new ProtoError('varint longer than 10 bytes', start);
    }
    this.pos = pos;
    lo >>>= 0;
    hi |= 0;
    if (hi >= -SAFE_HIGH_WORD && hi < SAFE_HIGH_WORD) {
      const value = hi * TWO_POW_32 + lo;
      if (value !== -(2 ** 53)) return value;
    }
    return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo)).toString();
  }

  fixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.buf.length) throw new ProtoError('truncated buffer inside a fixed32', pos);
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  fixed64(): bigint {
    const pos = this.pos;
    if (pos + 8 > this.buf.length) throw new ProtoError('truncated buffer inside a fixed64', pos);
    this.pos = pos + 8;
    return this.view.getBigUint64(pos, true);
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.buf.length) throw new ProtoError('truncated buffer inside a double', pos);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads a length prefix and returns where the field's bytes end; `pos` is left at their start. */
  lengthEnd(): number {
    const start = this.pos;
    const length = this.varint32();
    const end = this.pos + length;
    if (end > this.buf.length) {
      throw new ProtoError(
        `truncated buffer: a length of ${length} bytes runs past the end of the input (${this.buf.length - this.pos} bytes left)`,
        start,
      );
    }
    return end;
  }

  string(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return this.text.toString('utf8', start, end);
  }

  /**
   * A string of up to 256 bytes that is likely to repeat within one message (attribute keys, span
   * and event names, enum-like values, statements): decoded once, then found again by content.
   * 512 spans × ~10 attributes share a few dozen distinct keys; the cache took decoding from ~3.2 to
   * ~2.6 µs per span. The slot is picked from the length and three of the bytes rather than a hash
   * of all of them (~0.2 µs a span less to decode), and every hit is compared in full.
   */
  repeatedString(): string {
    const end = this.lengthEnd();
    const buf = this.buf;
    const start = this.pos;
    this.pos = end;
    const length = end - start;
    if (length > MAX_CACHED_LONG_STRING || length === 0) {
      this.lastCached = undefined;
      return this.text.toString('utf8', start, end);
    }
    const hash =
      Math.imul(length, 0x9e3779b1) ^
      Math.imul(buf[start]!, 0x85ebca6b) ^
      Math.imul(buf[end - 1]!, 0xc2b2ae35) ^
      Math.imul(buf[start + (length >> 1)]!, 0x27d4eb2f);
    let cache = this.keyCache;
    let slot = hash >>> (32 - KEY_CACHE_BITS);
    if (length > MAX_CACHED_STRING) {
      cache = this.longCache ??= new Array<undefined>(2 ** LONG_CACHE_BITS);
      slot = hash >>> (32 - LONG_CACHE_BITS);
    }
    const cached = cache[slot];
    if (cached !== undefined && this.isSame(cached, start, length)) {
      this.lastCached = cached;
      return cached.text;
    }
    const text = this.text.toString('utf8', start, end);
    const keyOwner = length > MAX_CACHED_STRING || text.includes('\uFFFD') ? NEVER_MARKED : UNMARKED;
    cache[slot] = this.lastCached = { start, length, text, keyOwner, keyAt: 0 };
    return text;
  }

  /** A bytes field as lower-case hex (ids); the caller checks the length. */
  hex(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return end - start === 8 ? hexOfEightBytes(this.buf, start) : this.text.toString('hex', start, end);
  }

  /**
   * hex() for an id that is likely to repeat within one message (a trace id: an SDK batch holds a
   * few spans of each trace): converted once, then found again by content, so the spans of a trace
   * share one string, whose hash a Map computes once. The last and middle bytes pick the slot: they
   * are random in W3C ids and in X-Ray's, whose first four bytes are a timestamp. Every hit is
   * compared byte for byte.
   */
  repeatedHex(): string {
    const end = this.lengthEnd();
    const buf = this.buf;
    const start = this.pos;
    this.pos = end;
    const length = end - start;
    if (length === 0) return '';
    const slot = (buf[end - 1]! ^ (buf[start + (length >> 1)]! << 1)) & ID_CACHE_MASK;
    const cache = (this.idCache ??= new Array<undefined>(ID_CACHE_MASK + 1));
    const cached = cache[slot];
    if (cached !== undefined && this.isSame(cached, start, length)) return cached.text;
    const text = this.text.toString('hex', start, end);
    cache[slot] = { start, length, text, keyOwner: UNMARKED, keyAt: 0 };
    return text;
  }

  /**
   * Whether `cached` was decoded from the same bytes as buf[start, start + length), compared four
   * bytes at a time (a byte at a time, these comparisons were ~10% of decoding a span).
   */
  private isSame(cached: CachedText, start: number, length: number): boolean {
    if (cached.length !== length) return false;
    const at = cached.start;
    const view = this.view;
    let i = 0;
    for (; i + 4 <= length; i += 4) if (view.getInt32(at + i) !== view.getInt32(start + i)) return false;
    const buf = this.buf;
    for (; i < length; i++) if (buf[at + i] !== buf[start + i]) return false;
    return true;
  }

  base64(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return this.text.toString('base64', start, end);
  }

  /** Skips a field of this wire type (groups included, as protobuf parsers must). */
  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.skipVarint();
        return;
      case WIRE_FIXED64:
        this.skipBytes(8, 'fixed64');
        return;
      case WIRE_LENGTH:
        this.pos = this.lengthEnd();
        return;
      case WIRE_FIXED32:
        this.skipBytes(4, 'fixed32');
        return;
      case WIRE_START_GROUP: {
        if (depth > MAX_GROUP_DEPTH)
          throw new ProtoError(`groups nested deeper than ${MAX_GROUP_DEPTH}`, this.pos);
        for (;;) {
          const key = this.tag();
          if ((key & 7) === WIRE_END_GROUP) return;
          this.skip(key & 7, depth + 1);
        }
      }
      default:
        throw new ProtoError(`invalid wire type ${wireType}`, this.pos);
    }
  }

  /** Throws unless the field's wire type is the one its declaration implies. */
  expect(key: number, wireType: number): void {
    if ((key & 7) !== wireType) {
      throw new ProtoError(
        `wire type ${wireTypeName(key & 7)} where the field is ${wireTypeName(wireType)}`,
        this.pos,
      );
    }
  }

  /** After a message's fields were read up to `end`: a field that ran past it is malformed. */
  finish(end: number): void {
    if (this.pos !== end) {
      throw new ProtoError(`a field runs ${this.pos - end} bytes past the end of its enclosing message`, end);
    }
  }

  private skipVarint(): void {
    const buf = this.buf;
    const start = this.pos;
    for (let pos = start; pos < buf.length && pos - start < 10; pos++) {
      if (buf[pos]! < 0x80) {
        this.pos = pos + 1;
        return;
      }
    }
    throw new ProtoError(
      this.pos + 10 <= buf.length ? 'varint longer than 10 bytes' : 'truncated buffer inside a varint',
      start,
    );
  }

  private skipBytes(count: number, what: string): void {
    if (this.pos + count > this.buf.length)
      throw new ProtoError(`truncated buffer inside a ${what}`, this.pos);
    this.pos += count;
  }
}

/** The ASCII code of each byte's high and low hex digit. */
const HEX_HIGH = new Uint8Array(256);
const HEX_LOW = new Uint8Array(256);
for (let byte = 0; byte < 256; byte += 1) {
  HEX_HIGH[byte] = '0123456789abcdef'.charCodeAt(byte >> 4);
  HEX_LOW[byte] = '0123456789abcdef'.charCodeAt(byte & 15);
}

/**
 * buf[at, at + 8) as 16 hex digits (a span id: two a span, and one a link), made in one call: ~30
 * against ~85 ns for Buffer's toString, whose wrappers cost more than its conversion.
 */
function hexOfEightBytes(buf: Uint8Array, at: number): string {
  const b0 = buf[at]!;
  const b1 = buf[at + 1]!;
  const b2 = buf[at + 2]!;
  const b3 = buf[at + 3]!;
  const b4 = buf[at + 4]!;
  const b5 = buf[at + 5]!;
  const b6 = buf[at + 6]!;
  const b7 = buf[at + 7]!;
  return String.fromCharCode(
    HEX_HIGH[b0]!,
    HEX_LOW[b0]!,
    HEX_HIGH[b1]!,
    HEX_LOW[b1]!,
    HEX_HIGH[b2]!,
    HEX_LOW[b2]!,
    HEX_HIGH[b3]!,
    HEX_LOW[b3]!,
    HEX_HIGH[b4]!,
    HEX_LOW[b4]!,
    HEX_HIGH[b5]!,
    HEX_LOW[b5]!,
    HEX_HIGH[b6]!,
    HEX_LOW[b6]!,
    HEX_HIGH[b7]!,
    HEX_LOW[b7]!,
  );
}

/** Nesting bound for groups and AnyValue: far beyond real data, short of the call-stack limit. */
export const MAX_GROUP_DEPTH = 64;

function wireTypeName(wireType: number): string {
  return WIRE_TYPE_NAMES[wireType] ?? `invalid (${wireType})`;
}
