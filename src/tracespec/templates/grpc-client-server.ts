/** A gRPC call: the client span and, directly beneath it, the server span in the other service. */
import { specNameParameter, type SpecTemplate } from './spec-template.js';

export const grpcClientServer: SpecTemplate = {
  name: 'grpc_client_server',
  title: 'gRPC client/server',
  description:
    'A unary gRPC call: a client span in the caller and the server span of the callee as its direct child (RPC semantic conventions: rpc.system, rpc.service, rpc.method, rpc.grpc.status_code).',
  parameters: [
    specNameParameter('grpc_client_server'),
    {
      name: 'client_service',
      description: 'service.name of the caller',
      type: 'string',
      default: 'frontend',
    },
    {
      name: 'server_service',
      description: 'service.name of the callee',
      type: 'string',
      default: 'greeter-service',
    },
    {
      name: 'rpc_service',
      description: 'Fully qualified gRPC service (package.Service)',
      type: 'string',
      default: 'helloworld.Greeter',
    },
    { name: 'rpc_method', description: 'gRPC method', type: 'string', default: 'SayHello' },
    {
      name: 'status_code',
      description: 'Expected rpc.grpc.status_code (0 = OK)',
      type: 'number',
      default: 0,
      min: 0,
      max: 16,
    },
  ],
  build(p) {
    const name = `${p.rpc_service}/${p.rpc_method}`;
    const rpc = { 'rpc.system': 'grpc', 'rpc.service': p.rpc_service, 'rpc.method': p.rpc_method };
    return {
      name: p.spec_name,
      description: `${p.client_service} calls ${name} on ${p.server_service}`,
      expected_spans: [
        {
          operation_name: name,
          service_name: p.client_service,
          kind: 'client',
          required_tags: rpc,
          children: [
            {
              operation_name: name,
              service_name: p.server_service,
              kind: 'server',
              direct: true,
              required_tags: { ...rpc, 'rpc.grpc.status_code': p.status_code },
            },
          ],
        },
      ],
    };
  },
};
