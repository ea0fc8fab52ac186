import { describe, expect, it } from 'vitest';
import { isIdLikeKey, isIdLikeValue } from '../../../src/tracespec/index.js';

describe('identifier-like attributes', () => {
  it('recognizes id and time keys but not operation descriptors', () => {
    for (const key of [
      'order.id',
      'user_id',
      'customerId',
      'request.uuid',
      'cache.key',
      'event.timestamp',
      'created_at',
      'product.sku',
    ])
      expect(isIdLikeKey(key), key).toBe(true);
    for (const key of [
      'http.request.method',
      'http.route',
      'db.system.name',
      'payment.method',
      'order.status',
      'messaging.destination.name',
    ])
      expect(isIdLikeKey(key), key).toBe(false);
  });

  it('recognizes uuids, hex ids, long numbers, timestamps and URLs with ids, but not codes and words', () => {
    for (const value of [
      '4b7c1a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      '5b8aa5a2d2c872e8321cf37308d69df2',
      '00f067aa0ba902b7',
      '1234567',
      'ord-482913',
      'https://shop.example/orders/9812',
      'SKU-3fa2b1',
      '2026-11-24T10:00:00Z',
      1_764_000_000,
    ]) {
      expect(isIdLikeValue(value), String(value)).toBe(true);
    }
    for (const value of [
      'POST',
      '/checkout',
      '/users/{id}',
      'postgresql',
      'created',
      'card',
      200,
      3,
      true,
      'cafe',
    ])
      expect(isIdLikeValue(value), String(value)).toBe(false);
  });
});
