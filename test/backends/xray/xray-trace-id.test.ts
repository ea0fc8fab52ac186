import { describe, expect, it } from 'vitest';
import { OtelMcpError } from '../../../src/model/errors.js';
import { fromXrayTraceId, isXrayTraceId, toXrayTraceId } from '../../../src/backends/xray/xray-trace-id.js';

describe('X-Ray trace ids', () => {
  it('joins the epoch seconds and the random part into the 32-digit OpenTelemetry id', () => {
    expect(fromXrayTraceId('1-5f84c7a1-0123456789abcdef01234567')).toBe('5f84c7a10123456789abcdef01234567');
  });

  it('splits an OpenTelemetry id back into the X-Ray form, accepting upper case', () => {
    expect(toXrayTraceId('5F84C7A10123456789ABCDEF01234567')).toBe('1-5f84c7a1-0123456789abcdef01234567');
  });

  it('round-trips both ways', () => {
    const otel = '6b13d239aaaaaaaaaaaaaaaaaaaaaaaa';
    expect(fromXrayTraceId(toXrayTraceId(otel))).toBe(otel);
  });

  it('refuses an X-Ray id of another version or length, saying what the form is', () => {
    const refusal = (() => {
      try {
        fromXrayTraceId('2-5f84c7a1-0123456789abcdef01234567');
      } catch (error) {
        return error as OtelMcpError;
      }
      return undefined;
    })();
    expect(refusal?.code).toBe('INVALID_ARGUMENT');
    expect(refusal?.hint).toContain('1-<8 hex digits>-<24 hex digits>');
    expect(() => fromXrayTraceId('1-5f84c7a1-0123')).toThrow(/not an X-Ray trace id/);
    expect(() => toXrayTraceId('abc')).toThrow(/not an OpenTelemetry trace id/);
  });

  it('tells the X-Ray form from an OpenTelemetry id', () => {
    expect(isXrayTraceId('1-5f84c7a1-0123456789abcdef01234567')).toBe(true);
    expect(isXrayTraceId('5f84c7a10123456789abcdef01234567')).toBe(false);
  });
});
