/**
 * X-Ray trace ids (`1-<8 hex epoch seconds>-<24 hex>`) ↔ the model's 32-hex OpenTelemetry ids. The
 * OTel id is the two hex parts joined, which is how the AWS X-Ray id generator for OpenTelemetry
 * makes them, so the conversion is exact both ways.
 */
import { OtelMcpError } from '../../model/errors.js';
import { isValidTraceId } from '../../model/ids.js';

const XRAY_ID = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;

export function toXrayTraceId(otelTraceId: string): string {
  const id = otelTraceId.toLowerCase();
  if (!isValidTraceId(id)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `'${otelTraceId}' is not an OpenTelemetry trace id`,
      'pass 32 hex digits, or an X-Ray id like 1-5f84c7a1-0123456789abcdef01234567',
    );
  }
  return `1-${id.slice(0, 8)}-${id.slice(8)}`;
}

export function fromXrayTraceId(xrayTraceId: string): string {
  const match = XRAY_ID.exec(xrayTraceId.toLowerCase());
  if (!match) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `'${xrayTraceId}' is not an X-Ray trace id`,
      'an X-Ray trace id is 1-<8 hex digits>-<24 hex digits>, like 1-5f84c7a1-0123456789abcdef01234567',
    );
  }
  return `${match[1]!}${match[2]!}`;
}

/** Whether text is in X-Ray's form: users copy ids from the X-Ray console as well as from OTel. */
export function isXrayTraceId(text: string): boolean {
  return XRAY_ID.test(text.toLowerCase());
}
