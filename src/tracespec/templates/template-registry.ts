/** The template catalogue: listSpecTemplates for list_spec_templates, instantiateTemplate to build one. */
import { OtelMcpError } from '../../model/index.js';
import { didYouMean } from '../../model/did-you-mean.js';
import type { TraceSpec } from '../language/trace-spec.js';
import { parseTraceSpec } from '../language/validate-spec.js';
import { cacheAside } from './cache-aside.js';
import { checkoutSaga } from './checkout-saga.js';
import { grpcClientServer } from './grpc-client-server.js';
import { httpServiceWithDatabase } from './http-service-with-database.js';
import { queueProducerConsumer } from './queue-producer-consumer.js';
import { restCrud } from './rest-crud.js';
import type { SpecTemplate, SpecTemplateInfo } from './spec-template.js';
import { resolveParameters } from './template-parameters.js';

const TEMPLATES: readonly SpecTemplate[] = [
  httpServiceWithDatabase,
  restCrud,
  grpcClientServer,
  queueProducerConsumer,
  cacheAside,
  checkoutSaga,
];

export function listSpecTemplates(): SpecTemplateInfo[] {
  return TEMPLATES.map(({ name, title, description, parameters }) => ({
    name,
    title,
    description,
    parameters: parameters.map((parameter) => ({ ...parameter })),
  }));
}

/** Builds a validated spec from a template; unknown names and bad parameters are refused with the valid choices. */
export function instantiateTemplate(name: string, params: Readonly<Record<string, unknown>> = {}): TraceSpec {
  const template = TEMPLATES.find((candidate) => candidate.name === name);
  const names = TEMPLATES.map((candidate) => candidate.name);
  if (!template) {
    throw new OtelMcpError(
      'NOT_FOUND',
      `no spec template named ${JSON.stringify(name)}; ${didYouMean(name, names)}`,
      `Templates: ${names.join(', ')}`,
    );
  }
  return parseTraceSpec(template.build(resolveParameters(template, params)));
}
