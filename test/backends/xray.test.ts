import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/create-backend.js';
import type { TraceBackend } from '../../src/backends/trace-backend.js';
import { runBackendContract } from './contract.js';
import { CONTRACT_TIMEOUT_MS, describeWithServer } from './support/real-servers.js';
import { putTraceSegments, toXraySegments } from './support/xray-export.js';

/** moto accepts any signature; fixed keys keep the SDK's credential chain away from the host's. */
const DUMMY_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const REGION = 'us-east-1';

describeWithServer('moto', 'the X-Ray adapter against moto’s X-Ray API', (server) => {
  const clients: XRayClient[] = [];
  const backends: TraceBackend[] = [];
  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const backend of backends) await backend.close();
  });
  const xrayBackend = () => {
    const backend = createBackend(
      'xray',
      { region: REGION, endpoint: server().endpoints.api!, timeout_ms: CONTRACT_TIMEOUT_MS },
      // moto answers every FilterExpression with 500 "Not implemented yet": the adapter searches the
      // window and checks every trace itself (what it does with real X-Ray's answers too).
      { xray: { credentials: DUMMY_CREDENTIALS, serverFilters: false } },
    );
    backends.push(backend);
    return backend;
  };
  const send = async (documents: string[]) => {
    const client = new XRayClient({
      region: REGION,
      endpoint: server().endpoints.api!,
      credentials: DUMMY_CREDENTIALS,
    });
    clients.push(client);
    return client.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: documents }));
  };

  describe('contract', () => {
    runBackendContract(async () => ({
      backend: xrayBackend(),
      ingest: (spans) => putTraceSegments(send, toXraySegments(spans)),
    }));
  });

  describe('what only X-Ray does', () => {
    it('reads nested subsegments with their sql, http and aws blocks, by either form of the trace id', async () => {
      const seconds = Math.floor(Date.now() / 1000) - 2;
      const hex = seconds.toString(16).padStart(8, '0');
      const xrayId = `1-${hex}-0123456789abcdef01234567`;
      await putTraceSegments(send, [
        {
          name: 'orders-api',
          id: 'a000000000000001',
          trace_id: xrayId,
          start_time: seconds + 0.1,
          end_time: seconds + 0.5,
          origin: 'AWS::ECS::Container',
          http: {
            request: { method: 'POST', url: 'https://orders.example.com/orders' },
            response: { status: 502 },
          },
          fault: true,
          cause: { exceptions: [{ type: 'UpstreamError', message: 'stock unavailable' }] },
          subsegments: [
            {
              name: 'DynamoDB',
              id: 'a000000000000002',
              namespace: 'aws',
              start_time: seconds + 0.15,
              end_time: seconds + 0.25,
              aws: { operation: 'GetItem', table_name: 'stock', region: 'us-east-1' },
              subsegments: [
                {
                  name: 'marshal',
                  id: 'a000000000000003',
                  start_time: seconds + 0.16,
                  end_time: seconds + 0.17,
                  annotations: { item_count: 2 },
                },
              ],
            },
            {
              name: 'orders@db.internal',
              id: 'a000000000000004',
              namespace: 'remote',
              start_time: seconds + 0.3,
              end_time: seconds + 0.4,
              sql: { database_type: 'PostgreSQL', sanitized_query: 'SELECT * FROM orders WHERE id = ?' },
            },
          ],
        },
      ]);
      const backend = xrayBackend();
      const trace = await backend.getTrace(xrayId);
      const otelId = `${hex}0123456789abcdef01234567`;
      expect(trace?.traceId).toBe(otelId);
      expect((await backend.getTrace(otelId))?.spans).toHaveLength(4);
      const [root, dynamo, marshal, sql] = trace!.spans;
      expect(root).toMatchObject({
        kind: 'server',
        serviceName: 'orders-api',
        status: { code: 'error', message: 'stock unavailable' },
        attributes: { 'http.request.method': 'POST', 'http.response.status_code': 502 },
        resource: { attributes: { 'cloud.platform': 'aws_ecs' } },
      });
      expect(root!.events[0]!.attributes).toEqual({
        'exception.type': 'UpstreamError',
        'exception.message': 'stock unavailable',
      });
      expect(dynamo).toMatchObject({
        kind: 'client',
        parentSpanId: 'a000000000000001',
        serviceName: 'orders-api',
        attributes: {
          'rpc.system': 'aws-api',
          'rpc.method': 'GetItem',
          'aws.dynamodb.table_names': ['stock'],
        },
      });
      expect(marshal).toMatchObject({ kind: 'internal', parentSpanId: 'a000000000000002' });
      expect(sql!.attributes).toMatchObject({
        'db.system.name': 'postgresql',
        'db.query.text': 'SELECT * FROM orders WHERE id = ?',
      });
    });
  });
});
