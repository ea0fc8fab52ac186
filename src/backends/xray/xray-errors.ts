/**
 * AWS SDK failures as OtelMcpErrors that name what to fix. The SDK has already retried throttling
 * and 5xx answers with backoff (`retries` + 1 attempts) by the time one of these reaches here.
 */
import { OtelMcpError, errorMessage } from '../../model/errors.js';
import { unreadableAnswer } from '../backend-answer.js';

export interface XrayTarget {
  backendName: string;
  region: string;
  /** The endpoint override, or the regional endpoint the SDK uses. */
  endpoint: string;
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: unknown;
}

export function xrayError(target: XrayTarget, action: string, error: unknown): OtelMcpError {
  if (error instanceof OtelMcpError) return error;
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const name = sdk.name ?? '';
  const status = sdk.$metadata?.httpStatusCode;
  const where = `${target.backendName} (X-Ray in ${target.region} at ${target.endpoint})`;
  const detail = errorMessage(error);
  const fail = (code: OtelMcpError['code'], message: string, hint: string) =>
    new OtelMcpError(code, `${where}: ${action} failed: ${message}`, hint, { cause: error });

  if (name === 'CredentialsProviderError' || /credential/i.test(name)) {
    return fail(
      'UNAUTHENTICATED',
      `no AWS credentials were found (${detail})`,
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/config (credential_process and SSO profiles work too)',
    );
  }
  if (
    name === 'AccessDeniedException' ||
    name === 'UnrecognizedClientException' ||
    name === 'InvalidSignatureException' ||
    name === 'ExpiredTokenException' ||
    status === 403 ||
    status === 401
  ) {
    return fail(
      'UNAUTHENTICATED',
      `AWS refused the credentials (${name || status}: ${detail})`,
      'the identity needs xray:GetTraceSummaries and xray:BatchGetTraces; check that the keys are current and belong to the account, and that region is where the traces are',
    );
  }
  if (name === 'ThrottledException' || name === 'ThrottlingException' || status === 429) {
    const attempts = sdk.$metadata?.attempts;
    return fail(
      'RESOURCE_EXHAUSTED',
      `X-Ray is throttling requests (${name || 429})${attempts ? ` and still was after ${attempts} attempts` : ''}`,
      'search a shorter window or fewer traces, wait a little, or raise `retries` in the backend entry',
    );
  }
  if (name === 'InvalidRequestException' || status === 400) {
    return fail('INVALID_ARGUMENT', `X-Ray rejected the request: ${detail}`, 'simplify the search filters');
  }
  if (status !== undefined && status >= 500) {
    return fail(
      'BACKEND_UNAVAILABLE',
      `X-Ray answered ${status} (${name || detail})`,
      'try again later; if it persists, check the endpoint override',
    );
  }
  if (isUnreadable(name, sdk)) return unreadableAnswer(target.backendName, target.endpoint, action, error);
  return fail(
    'BACKEND_UNAVAILABLE',
    `X-Ray could not be reached: ${detail}`,
    `check region (${target.region}) and any endpoint override; without an override the SDK calls https://xray.<region>.amazonaws.com`,
  );
}

/** The SDK could not read the answer (HTML from a proxy, truncated JSON, ...). */
function isUnreadable(name: string, sdk: SdkError): boolean {
  return name === 'SyntaxError' || (sdk.$response !== undefined && sdk.$metadata?.httpStatusCode === 200);
}
