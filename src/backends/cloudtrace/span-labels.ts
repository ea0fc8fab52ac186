/**
 * Cloud Trace labels → OpenTelemetry attributes, resource attributes and status: the reverse of what
 * Google's OpenTelemetry exporter (`@google-cloud/opentelemetry-cloud-trace-exporter`) writes.
 * - `/http/...` labels are the exporter's renames of the old HTTP conventions (`http.method` →
 *   `/http/method`, `http.route` → `/http/route`, ...) and Google's canonical labels; they come back
 *   under today's names (`http.request.method`, `http.route`, ...). A label already under its
 *   OpenTelemetry name wins over the `/http/` one.
 * - `g.co/r/<monitored resource type>/<label>` is the span's resource as a Cloud Monitoring
 *   monitored resource; each label goes back to the resource attribute it was made from.
 * - `g.co/status/code` (a google.rpc.Code, 0 = OK) and `g.co/status/message` carry the v2 span
 *   status, which v1 has no field for. `g.co/agent` names the exporter and stays an attribute.
 * - Every value is a string: v1 labels hold nothing else (the exporter also rounds doubles to
 *   integers, since v2 attributes have no double, and drops lists unless told to write them as JSON).
 * The service is `service.name` when the exporter kept it (its `resourceFilter`), else the
 * monitored resource's job, service or module name. Labels in namespaces the conventions reserve
 * for resources (`service.*`, `host.*`, `k8s.*`, ...) go to the resource, other labels to the span.
 */
import type { Attributes, SpanStatus } from '../../model/span.js';

/** Google's `/http/...` labels → today's semantic-convention names. */
const HTTP_LABELS: Record<string, string> = {
  '/http/method': 'http.request.method',
  '/http/status_code': 'http.response.status_code',
  '/http/url': 'url.full',
  '/http/host': 'server.address',
  '/http/route': 'http.route',
  '/http/path': 'url.path',
  '/http/user_agent': 'user_agent.original',
  '/http/client_protocol': 'url.scheme',
  '/http/request/size': 'http.request.body.size',
  '/http/response/size': 'http.response.body.size',
};

/** Monitored-resource labels (`g.co/r/<type>/<label>`) → the resource attribute they were made from. */
const RESOURCE_LABELS: Record<string, string> = {
  zone: 'cloud.availability_zone',
  region: 'cloud.region',
  location: 'cloud.region',
  instance_id: 'host.id',
  node_id: 'host.id',
  aws_account: 'cloud.account.id',
  cluster_name: 'k8s.cluster.name',
  namespace_name: 'k8s.namespace.name',
  pod_name: 'k8s.pod.name',
  container_name: 'k8s.container.name',
  node_name: 'k8s.node.name',
  namespace: 'service.namespace',
  job: 'service.name',
  task_id: 'service.instance.id',
  service_name: 'faas.name',
  configuration_name: 'faas.name',
  function_name: 'faas.name',
  module_id: 'faas.name',
  revision_name: 'faas.version',
  version_id: 'faas.version',
};

/** Resource types whose labels mean something other than the table above says. */
const RESOURCE_OVERRIDES: Record<string, Record<string, string>> = {
  gae_instance: { instance_id: 'faas.instance' },
};

const PLATFORMS: Record<string, string> = {
  gce_instance: 'gcp_compute_engine',
  gae_instance: 'gcp_app_engine',
  cloud_run_revision: 'gcp_cloud_run',
  cloud_function: 'gcp_cloud_functions',
  aws_ec2_instance: 'aws_ec2',
};

/** Where the service name may be, best first; the last ones are App Engine's and Cloud Run's. */
const SERVICE_LABELS = [
  'service.name',
  'g.co/r/generic_task/job',
  'g.co/r/cloud_run_revision/service_name',
  'g.co/r/cloud_function/function_name',
  'g.co/r/gae_instance/module_id',
  'g.co/gae/app/module',
];

export const STATUS_CODE_LABEL = 'g.co/status/code';
const STATUS_MESSAGE_LABELS = ['g.co/status/message', 'g.co/status/description'];

/** The exporter's `location` fallback when the resource names no zone or region. */
const NO_LOCATION = 'global';

export interface MappedLabels {
  attributes: Attributes;
  resource: Attributes;
  serviceName: string;
  status: SpanStatus;
}

export function mapLabels(labels: Readonly<Record<string, string>>): MappedLabels {
  const attributes: Attributes = {};
  const resource: Attributes = {};
  for (const [key, value] of Object.entries(labels)) {
    if (key === STATUS_CODE_LABEL || STATUS_MESSAGE_LABELS.includes(key)) continue;
    if (key.startsWith('g.co/r/')) {
      addResourceLabel(key, value, resource);
      continue;
    }
    if (isResourceKey(key)) {
      resource[key] = value;
      continue;
    }
    const renamed = HTTP_LABELS[key];
    // The OpenTelemetry name, when also present, is the span's own and wins.
    if (renamed !== undefined) {
      if (!Object.hasOwn(labels, renamed)) attributes[renamed] = value;
    } else attributes[key] = value;
  }
  const serviceName = serviceOf(labels);
  resource['service.name'] = serviceName;
  return { attributes, resource, serviceName, status: statusOf(labels) };
}

/**
 * Namespaces the semantic conventions define for resources only. The exporter writes resource
 * attributes its `resourceFilter` keeps as plain labels beside the span's own; these go back to
 * the resource.
 */
const RESOURCE_PREFIXES = [
  'service.',
  'telemetry.sdk.',
  'telemetry.distro.',
  'host.',
  'os.',
  'process.',
  'container.',
  'k8s.',
  'deployment.',
  'cloud.',
];

function isResourceKey(key: string): boolean {
  return RESOURCE_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export function serviceOf(labels: Readonly<Record<string, string>>): string {
  for (const key of SERVICE_LABELS) {
    const value = Object.hasOwn(labels, key) ? labels[key] : undefined;
    if (value) return value;
  }
  return 'unknown_service';
}

function addResourceLabel(key: string, value: string, into: Attributes): void {
  // The exporter writes '' for a label the resource had nothing for, and 'global' for no location.
  if (value === '') return;
  const [type = '', label = ''] = key.slice('g.co/r/'.length).split('/', 2);
  const platform = PLATFORMS[type];
  if (platform !== undefined) {
    into['cloud.platform'] = platform;
    into['cloud.provider'] = platform.startsWith('aws') ? 'aws' : 'gcp';
  }
  if (label === 'location' && value === NO_LOCATION) return;
  const attribute = RESOURCE_OVERRIDES[type]?.[label] ?? RESOURCE_LABELS[label];
  // A label this table does not know keeps its Cloud Trace key, so that nothing is dropped.
  into[attribute ?? key] = value;
}

function statusOf(labels: Readonly<Record<string, string>>): SpanStatus {
  const code = Object.hasOwn(labels, STATUS_CODE_LABEL) ? labels[STATUS_CODE_LABEL] : undefined;
  if (code === undefined || code === '') return { code: 'unset' };
  if (code === '0') return { code: 'ok' };
  const message = STATUS_MESSAGE_LABELS.map((key) => labels[key]).find((text) => text);
  return message ? { code: 'error', message } : { code: 'error' };
}

/**
 * The label keys an attribute may be stored under: its own, and the `/http/...` label the exporter
 * renames it to (from the old HTTP conventions) or Google's agents write for its new name.
 */
export function labelKeysFor(attributeKey: string): string[] {
  const keys = [attributeKey];
  for (const [label, attribute] of Object.entries(HTTP_LABELS))
    if (attribute === attributeKey) keys.push(label);
  const exporterRename = EXPORTER_RENAMES[attributeKey];
  if (exporterRename !== undefined && !keys.includes(exporterRename)) keys.push(exporterRename);
  return keys;
}

/** The exporter's own renames (old HTTP conventions → Google's labels), from its transform. */
const EXPORTER_RENAMES: Record<string, string> = {
  'http.method': '/http/method',
  'http.url': '/http/url',
  'http.host': '/http/host',
  'http.scheme': '/http/client_protocol',
  'http.status_code': '/http/status_code',
  'http.user_agent': '/http/user_agent',
  'http.request_content_length': '/http/request/size',
  'http.response_content_length': '/http/response/size',
  'http.route': '/http/route',
};
