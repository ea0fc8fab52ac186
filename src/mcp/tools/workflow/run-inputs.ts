/** Inputs shared by create_development_session and execute_and_capture: how to run the code under test. */
import * as z from 'zod';
import type { ServiceRequest } from '../../../workflow/execute-run.js';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Names are checked in a refinement, not a key pattern, so the rule costs nothing in the catalog.
export const envInput = z
  .record(z.string(), z.string())
  .superRefine((env, ctx) => {
    for (const name of Object.keys(env))
      if (!envName.test(name))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `'${name}' is not an environment variable name: letters, digits and _, not starting with a digit`,
        });
  })
  .optional()
  .describe('Extra environment variables for the command and services');

const readyTimeout = z.number().int().min(100).max(600_000).optional().describe('Default 60 s');

export const readyInput = z
  .union([
    z
      .object({
        port: z.number().int().min(1).max(65535).describe('The TCP port the service listens on'),
        host: z.string().optional().describe('Default 127.0.0.1'),
        timeout_ms: readyTimeout,
      })
      .strict()
      .describe('Ready when this port accepts connections'),
    z
      .object({ http: z.string().url().describe('e.g. its health check URL'), timeout_ms: readyTimeout })
      .strict()
      .describe('Ready when a GET answers below 500'),
    z
      .object({ log_pattern: z.string().min(1).describe('A regular expression'), timeout_ms: readyTimeout })
      .strict()
      .describe('Ready when an output line matches'),
  ])
  .describe('When the service is ready: {port}, {http} or {log_pattern}');

export const servicesInput = z
  .array(
    z
      .object({
        name: z.string().min(1).max(64).describe('Its name (also its OTEL_SERVICE_NAME unless set)'),
        command: z.string().min(1).describe('Shell command that starts it'),
        ready: readyInput.optional(),
        working_dir: z.string().optional().describe('Default: the run’s working_dir'),
        env: envInput,
      })
      .strict(),
  )
  .max(20)
  .optional()
  .describe('Services to start before the command (in order, each until ready) and stop after it');

export const workingDirInput = z.string().optional().describe('Directory to run in');

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
  .describe('Start all services at once (faster) instead of in order');
