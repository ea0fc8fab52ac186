/**
 * A message through a queue: the request that publishes it, the producer span, and the consumer
 * span that processes it and links back to the producer (messaging semantic conventions). The
 * consumer is a top-level entry: it may be a child of the send span or a new root in the same
 * trace; a consumer that starts a separate trace is checked with its own spec.
 */
import { specNameParameter, type SpecTemplate } from './spec-template.js';

export const queueProducerConsumer: SpecTemplate = {
  name: 'queue_producer_consumer',
  title: 'Queue producer/consumer with links',
  description:
    'A request publishes a message (producer span) and a consumer processes it (consumer span with a span link to the producer).',
  parameters: [
    specNameParameter('queue_producer_consumer'),
    {
      name: 'producer_service',
      description: 'service.name of the publisher',
      type: 'string',
      default: 'order-service',
    },
    {
      name: 'consumer_service',
      description: 'service.name of the consumer',
      type: 'string',
      default: 'fulfillment-service',
    },
    {
      name: 'messaging_system',
      description: 'messaging.system (kafka, rabbitmq, aws_sqs, ...)',
      type: 'string',
      default: 'kafka',
    },
    {
      name: 'destination',
      description: 'messaging.destination.name: queue or topic',
      type: 'string',
      default: 'orders',
    },
    {
      name: 'route',
      description: 'HTTP route of the request that publishes, e.g. "POST /orders"; empty for none',
      type: 'string',
      default: 'POST /orders',
      allowEmpty: true,
    },
    {
      name: 'consumer_links',
      description: 'Whether the consumer span must link to the producer (extension field links)',
      type: 'boolean',
      default: true,
    },
  ],
  build(p) {
    const messaging = { 'messaging.system': p.messaging_system, 'messaging.destination.name': p.destination };
    const producer = {
      operation_name: `send ${p.destination}`,
      service_name: p.producer_service,
      kind: 'producer',
      required_tags: { ...messaging, 'messaging.operation.type': 'send' },
    };
    const consumer = {
      operation_name: `process ${p.destination}`,
      service_name: p.consumer_service,
      kind: 'consumer',
      required_tags: { ...messaging, 'messaging.operation.type': 'process' },
      ...(p.consumer_links ? { links: { min: 1 } } : {}),
    };
    const route = String(p.route).trim();
    const publisher =
      route === ''
        ? producer
        : { operation_name: route, service_name: p.producer_service, kind: 'server', children: [producer] };
    return {
      name: p.spec_name,
      description: `${p.producer_service} publishes to ${p.destination} (${p.messaging_system}); ${p.consumer_service} processes it`,
      expected_spans: [publisher, consumer],
    };
  },
};
