/**
 * A checkout saga across services: reserve stock, take payment, confirm the order — or, when the
 * payment is declined, release the stock (the compensation) and never confirm.
 */
import { specNameParameter, type SpecTemplate } from './spec-template.js';

export const checkoutSaga: SpecTemplate = {
  name: 'checkout_saga',
  title: 'Checkout saga',
  description:
    'POST /checkout orchestrating inventory, payment and order services in order; the payment_declined outcome expects the payment to fail with an exception and the reservation to be released.',
  parameters: [
    specNameParameter('checkout_saga'),
    {
      name: 'gateway_service',
      description: 'service.name that serves the checkout request',
      type: 'string',
      default: 'checkout-service',
    },
    {
      name: 'route',
      description: 'http.route of the checkout request',
      type: 'string',
      default: '/checkout',
    },
    {
      name: 'inventory_service',
      description: 'service.name of the inventory service',
      type: 'string',
      default: 'inventory-service',
    },
    {
      name: 'payment_service',
      description: 'service.name of the payment service',
      type: 'string',
      default: 'payment-service',
    },
    {
      name: 'order_service',
      description: 'service.name of the order service',
      type: 'string',
      default: 'order-service',
    },
    {
      name: 'outcome',
      description: 'Which path the trace takes',
      type: 'string',
      default: 'success',
      values: ['success', 'payment_declined'],
    },
    {
      name: 'exception_type',
      description: 'Exception recorded when the payment is declined',
      type: 'string',
      default: 'CardDeclinedError',
    },
    {
      name: 'max_total_duration_ms',
      description: 'Budget of the whole trace in ms; 0 for none',
      type: 'number',
      default: 3000,
      min: 0,
    },
  ],
  build(p) {
    const declined = p.outcome === 'payment_declined';
    const step = (name: string, service: unknown, count?: number) => ({
      operation_name: name,
      service_name: service,
      ...(count !== undefined ? { count } : {}),
    });
    const budget = p.max_total_duration_ms as number;
    return {
      name: p.spec_name,
      description: declined
        ? 'Checkout with a declined card: stock reserved, payment fails, reservation released'
        : 'Successful checkout',
      expected_spans: [
        {
          operation_name: `POST ${p.route}`,
          service_name: p.gateway_service,
          kind: 'server',
          required_tags: {
            'http.request.method': 'POST',
            'http.route': p.route,
            'http.response.status_code': declined ? 402 : 200,
          },
          ordered: true,
          children: declined
            ? [
                step('inventory.reserve', p.inventory_service),
                step('payment.process', p.payment_service),
                step('inventory.release', p.inventory_service),
                step('order.confirm', p.order_service, 0),
              ]
            : [
                step('inventory.reserve', p.inventory_service),
                step('payment.process', p.payment_service),
                step('order.confirm', p.order_service),
                step('inventory.release', p.inventory_service, 0),
              ],
        },
      ],
      ...(budget > 0 ? { performance_constraints: { max_total_duration_ms: budget } } : {}),
      ...(declined
        ? {
            error_conditions: [
              {
                operation_name: 'payment.process',
                service_name: p.payment_service,
                expect: 'error',
                exception_type: p.exception_type,
              },
              { operation_name: `POST ${p.route}`, service_name: p.gateway_service, expect: 'allow_errors' },
            ],
          }
        : {}),
    };
  },
};
