/** Inputs shared by create_development_session and execute_and_capture: how to run the code under test. */
import * as z from 'zod';
import type { ServiceRequest } from '../../../workflow/execute-run.js';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envInput = z
  .record(
    z
      .string()
      .regex(envName, 'an environment variable name: letters, digits and _, not starting with a digit'),
    z.string(),
  )
  .optional()
  .describe(
    'Extra environment variables for the command and services (the OTEL_EXPORTER_OTLP_* endpoint variables are always set by otel-mcp)',
  );

export const readyInput = z
  .union([
    z
      .object({
        port: z.number().int().min(1).max(65535).describe('The TCP port the service listens on'),
        host: z.string().optional().describe('Default 127.0.0.1'),
      })
      .strict()
      .describe('Ready when this TCP port accepts connections'),
    z
      .object({ http: z.string().url().describe('A URL of the service, e.g. its health check') })
      .strict()
      .describe('Ready when a GET of this URL answers with a status below 500'),
    z
      .object({ log_pattern: z.string().min(1).describe("A regular expression, e.g. 'listening on \\d+'") })
      .strict()
      .describe("Ready when a line of the service's stdout or stderr matches this regular expression"),
  ])
  .describe('When the service is ready for the command: {port}, {http} or {log_pattern}');

export const servicesInput = z
  .array(
    z
      .object({
        name: z
          .string()
          .min(1)
          .max(64)
          .describe(
            'A name for the answer (use the service.name it reports, so the spec wait knows it started)',
          ),
        command: z.string().min(1).describe('Shell command that starts the long-running service'),
        ready: readyInput.optional(),
        working_dir: z.string().optional().describe('Default: the run’s working_dir'),
        env: envInput,
      })
      .strict(),
  )
  .max(20)
  .optional()
  .describe(
    'Long-running services to start (in order, each waited for until ready) before the command, and to stop with SIGTERM after it so their SDKs flush',
  );

export const workingDirInput = z
  .string()
  .optional()
  .describe('Directory to run in (default: the execution root or the server’s directory)');

export type ServicesInput = z.infer<typeof servicesInput>;

export function toServiceRequests(services: ServicesInput): ServiceRequest[] {
  return (services ?? []).map((service) => ({
    name: service.name,
    command: service.command,
    ...(service.ready ? { ready: service.ready } : {}),
    ...(service.working_dir !== undefined ? { workingDir: service.working_dir } : {}),
    ...(service.env ? { env: service.env } : {}),
  }));
}

export const startTogetherInput = z
  .boolean()
  .optional()
  .describe(
    'Start all services at once and wait until every one is ready (faster), instead of one after another in the given order (default)',
  );
