import { describe, expect, it } from 'vitest';
import { labelKeysFor, mapLabels } from '../../../src/backends/cloudtrace/span-labels.js';

describe('Cloud Trace labels as attributes', () => {
  it('reads the exporter’s /http/ labels back under today’s semantic-convention names', () => {
    const { attributes } = mapLabels({
      '/http/method': 'GET',
      '/http/status_code': '503',
      '/http/url': 'https://shop.example.com/cart?id=1',
      '/http/host': 'shop.example.com',
      '/http/route': '/cart',
      '/http/user_agent': 'curl/8.5.0',
      '/http/client_protocol': 'https',
      '/http/request/size': '120',
      '/http/response/size': '2048',
      '/http/path': '/cart',
    });
    expect(attributes).toEqual({
      'http.request.method': 'GET',
      'http.response.status_code': '503',
      'url.full': 'https://shop.example.com/cart?id=1',
      'server.address': 'shop.example.com',
      'http.route': '/cart',
      'user_agent.original': 'curl/8.5.0',
      'url.scheme': 'https',
      'http.request.body.size': '120',
      'http.response.body.size': '2048',
      'url.path': '/cart',
    });
  });

  it('keeps a span’s own OpenTelemetry attribute over the /http/ label of the same meaning', () => {
    const { attributes } = mapLabels({ 'http.route': '/orders/{id}', '/http/route': '/orders/7' });
    expect(attributes).toEqual({ 'http.route': '/orders/{id}' });
  });

  it('keeps labels it has no convention for under their own keys, g.co/agent included', () => {
    const { attributes } = mapLabels({
      '/stacktrace': '{"frames":[]}',
      'g.co/agent': 'exporter 3.1.0',
      'app.tier': 'gold',
    });
    expect(attributes).toEqual({
      '/stacktrace': '{"frames":[]}',
      'g.co/agent': 'exporter 3.1.0',
      'app.tier': 'gold',
    });
  });

  it('puts monitored-resource labels and resource-only namespaces on the resource, not the span', () => {
    const { attributes, resource, serviceName } = mapLabels({
      'g.co/r/k8s_container/location': 'europe-west1-b',
      'g.co/r/k8s_container/cluster_name': 'prod',
      'g.co/r/k8s_container/namespace_name': 'shop',
      'g.co/r/k8s_container/pod_name': 'cart-7d9',
      'g.co/r/k8s_container/container_name': 'cart',
      'service.name': 'cart',
      'service.version': '2.1.0',
      'host.name': 'node-3',
      'db.system': 'redis',
    });
    expect(attributes).toEqual({ 'db.system': 'redis' });
    expect(serviceName).toBe('cart');
    expect(resource).toEqual({
      'cloud.region': 'europe-west1-b',
      'k8s.cluster.name': 'prod',
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'cart-7d9',
      'k8s.container.name': 'cart',
      'service.name': 'cart',
      'service.version': '2.1.0',
      'host.name': 'node-3',
    });
  });

  it('finds the service in the generic_task job label when the exporter kept no service.name', () => {
    const { serviceName, resource } = mapLabels({
      'g.co/r/generic_task/location': 'global',
      'g.co/r/generic_task/namespace': '',
      'g.co/r/generic_task/job': 'checkout',
      'g.co/r/generic_task/task_id': 'i-42',
    });
    expect(serviceName).toBe('checkout');
    // 'global' is the exporter's stand-in for no location and '' for a label it had nothing for.
    expect(resource).toEqual({ 'service.name': 'checkout', 'service.instance.id': 'i-42' });
  });

  it('names the platform of a Google or AWS monitored resource', () => {
    expect(
      mapLabels({ 'g.co/r/gce_instance/zone': 'us-central1-a', 'g.co/r/gce_instance/instance_id': '123' })
        .resource,
    ).toEqual({
      'cloud.provider': 'gcp',
      'cloud.platform': 'gcp_compute_engine',
      'cloud.availability_zone': 'us-central1-a',
      'host.id': '123',
      'service.name': 'unknown_service',
    });
    expect(
      mapLabels({ 'g.co/r/gae_instance/module_id': 'default', 'g.co/r/gae_instance/instance_id': 'aef-1' })
        .resource,
    ).toMatchObject({
      'cloud.platform': 'gcp_app_engine',
      'faas.name': 'default',
      'faas.instance': 'aef-1',
      'service.name': 'default',
    });
    expect(mapLabels({ 'g.co/r/aws_ec2_instance/aws_account': '1234' }).resource).toMatchObject({
      'cloud.provider': 'aws',
      'cloud.account.id': '1234',
    });
  });

  it('reads the span status from g.co/status/code, a google.rpc.Code where 0 is OK', () => {
    expect(mapLabels({}).status).toEqual({ code: 'unset' });
    expect(mapLabels({ 'g.co/status/code': '0' }).status).toEqual({ code: 'ok' });
    expect(mapLabels({ 'g.co/status/code': '2', 'g.co/status/message': 'card declined' }).status).toEqual({
      code: 'error',
      message: 'card declined',
    });
    expect(mapLabels({ 'g.co/status/code': '14', 'g.co/status/description': 'unavailable' }).status).toEqual({
      code: 'error',
      message: 'unavailable',
    });
    expect(mapLabels({ 'g.co/status/code': '2' }).attributes).toEqual({});
  });

  it('names every label key an attribute may be stored under', () => {
    expect(labelKeysFor('http.route')).toEqual(['http.route', '/http/route']);
    expect(labelKeysFor('http.request.method')).toEqual(['http.request.method', '/http/method']);
    expect(labelKeysFor('http.method')).toEqual(['http.method', '/http/method']);
    expect(labelKeysFor('db.system')).toEqual(['db.system']);
  });
});
