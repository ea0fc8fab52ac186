/**
 * The one walk over an OTLP protobuf export envelope, shared by every signal: request → repeated
 * resource blocks (field 1) → their resource (1), repeated scope blocks (2) and schema URL (3) →
 * each scope block's scope (1), repeated items (2: spans, log records) and schema URL (3). The
 * signal decodes its items; a malformed envelope throws naming the byte and the field path.
 */
import type { InstrumentationScope, Resource } from '../model/span.js';
import {
  annotate,
  decodeResourceInto,
  decodeScopeInto,
  emptyResource,
  emptyScope,
  rethrowWithin,
} from './common-protobuf.js';
import { protobufDecodeError } from './decoded-batch.js';
import { ProtoReader, WIRE_LENGTH } from './proto-reader.js';

export interface EnvelopeSignal {
  /** `ExportTraceServiceRequest`: named in errors. */
  request: string;
  /** Field names for error paths: `resource_spans`, `scope_spans`, `spans`. */
  resourceBlock: string;
  scopeBlock: string;
  items: string;
  /** Decodes one item between `r.pos` and `end`. */
  item(r: ProtoReader, end: number, resource: Resource, scope: InstrumentationScope): void;
  /** A resource block is complete: its resource may follow its items on the wire, so names are set now. */
  resourceDone(resource: Resource): void;
}

export function walkProtobufEnvelope(bytes: Uint8Array, signal: EnvelopeSignal): void {
  const r = new ProtoReader(bytes);
  let index = 0;
  let field = 0;
  try {
    while (r.pos < r.length) {
      const key = r.tag();
      field = key >>> 3;
      if (field === 1) {
        r.expect(key, WIRE_LENGTH);
        const end = r.lengthEnd();
        resourceBlock(r, end, signal);
        index++;
      } else {
        r.skip(key & 7);
      }
    }
  } catch (error) {
    throw protobufDecodeError(annotate(error, { 1: signal.resourceBlock }, field, index), signal.request);
  }
}

function resourceBlock(r: ProtoReader, end: number, signal: EnvelopeSignal): void {
  const resource = emptyResource();
  let field = 0;
  let index = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1: {
          r.expect(key, WIRE_LENGTH);
          const resourceEnd = r.lengthEnd();
          decodeResourceInto(r, resourceEnd, resource);
          break;
        }
        case 2: {
          r.expect(key, WIRE_LENGTH);
          const scopeEnd = r.lengthEnd();
          scopeBlock(r, scopeEnd, resource, signal);
          index++;
          break;
        }
        case 3: {
          r.expect(key, WIRE_LENGTH);
          const url = r.string();
          if (url !== '') resource.schemaUrl = url;
          break;
        }
        default:
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(
      error,
      { 1: 'resource', 2: signal.scopeBlock, 3: 'schema_url' },
      field,
      field === 2 ? index : -1,
    );
  }
  signal.resourceDone(resource);
}

function scopeBlock(r: ProtoReader, end: number, resource: Resource, signal: EnvelopeSignal): void {
  const scope = emptyScope();
  let field = 0;
  let index = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1: {
          r.expect(key, WIRE_LENGTH);
          const scopeEnd = r.lengthEnd();
          decodeScopeInto(r, scopeEnd, scope);
          break;
        }
        case 2: {
          r.expect(key, WIRE_LENGTH);
          const itemEnd = r.lengthEnd();
          signal.item(r, itemEnd, resource, scope);
          index++;
          break;
        }
        case 3: {
          r.expect(key, WIRE_LENGTH);
          const url = r.string();
          if (url !== '') scope.schemaUrl = url;
          break;
        }
        default:
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, { 1: 'scope', 2: signal.items, 3: 'schema_url' }, field, field === 2 ? index : -1);
  }
}
