/**
 * The typed blocks of a segment document (`http`, `sql`, `aws`, `annotations`, `metadata`) as
 * OpenTelemetry semantic-convention attributes, the reverse of what the ADOT X-Ray exporter writes.
 * A field without a convention keeps its X-Ray name under `aws.xray.` so that nothing is dropped.
 */
import type { Attributes, AttributeValue } from '../../model/span.js';
import type { XrayHttp, XraySegmentDocument, XraySql } from './segment-document.js';

export function segmentAttributes(doc: XraySegmentDocument): Attributes {
  const attributes: Attributes = {};
  if (doc.metadata) {
    for (const [namespace, values] of Object.entries(doc.metadata)) {
      if (typeof values !== 'object' || values === null) continue;
      // `default` is the namespace an exporter writes attributes into; others keep their prefix.
      const prefix = namespace === 'default' ? '' : `${namespace}.`;
      for (const [key, value] of Object.entries(values)) attributes[prefix + key] = asAttribute(value);
    }
  }
  // Annotations win over metadata: they are what X-Ray indexes and searches.
  if (doc.annotations) Object.assign(attributes, doc.annotations);
  if (doc.http) httpAttributes(doc.http, attributes);
  if (doc.sql) sqlAttributes(doc.sql, attributes);
  if (doc.aws) awsAttributes(doc, doc.aws, attributes);
  return attributes;
}

function httpAttributes(http: XrayHttp, into: Attributes): void {
  set(into, 'http.request.method', http.request?.method);
  set(into, 'url.full', http.request?.url);
  set(into, 'user_agent.original', http.request?.user_agent);
  set(into, 'client.address', http.request?.client_ip);
  set(into, 'http.response.status_code', http.response?.status);
  set(into, 'http.response.body.size', http.response?.content_length);
}

function sqlAttributes(sql: XraySql, into: Attributes): void {
  set(into, 'db.query.text', sql.sanitized_query);
  set(into, 'db.system.name', sql.database_type?.toLowerCase());
  set(into, 'db.user', sql.user);
  // No convention for these; a connection string may hold a password, and X-Ray drops those itself.
  set(into, 'aws.xray.sql.url', sql.url);
  set(into, 'aws.xray.sql.connection_string', sql.connection_string);
  set(into, 'aws.xray.sql.database_version', sql.database_version);
  set(into, 'aws.xray.sql.driver_version', sql.driver_version);
}

const AWS_FIELDS: Record<string, string> = {
  operation: 'rpc.method',
  region: 'cloud.region',
  account_id: 'cloud.account.id',
  request_id: 'aws.request_id',
  queue_url: 'aws.sqs.queue.url',
  table_name: 'aws.dynamodb.table_names',
};

function awsAttributes(doc: XraySegmentDocument, aws: Record<string, unknown>, into: Attributes): void {
  // An `aws` block on a subsegment is an AWS SDK call: the subsegment is named after the service.
  if (doc.namespace === 'aws') {
    into['rpc.system'] = 'aws-api';
    into['rpc.service'] = doc.name;
  }
  for (const [key, value] of Object.entries(aws)) {
    if (value === undefined) continue;
    const name = AWS_FIELDS[key];
    if (key === 'table_name') into[name!] = [String(value)];
    else into[name ?? `aws.xray.aws.${key}`] = asAttribute(value);
  }
}

function set(into: Attributes, key: string, value: string | number | undefined): void {
  if (value !== undefined) into[key] = value;
}

/** Metadata is any JSON; the model's attribute values are JSON too, with null for nothing. */
function asAttribute(value: unknown): AttributeValue {
  return value === undefined ? null : (value as AttributeValue);
}
