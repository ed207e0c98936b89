import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  CareflowError,
  InvalidLinkError,
  NotFoundError,
  ValidationError,
} from '../../shared/domain/errors.js';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export const json = (statusCode: number, body: unknown): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...securityHeaders },
  body: JSON.stringify(body),
});

export const html = (statusCode: number, body: string): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    ...securityHeaders,
  },
  body,
});

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** The one place where errors become HTTP statuses. Unexpected errors never leak their text. */
export const errorStatus = (error: unknown): { status: number; body: ErrorBody } => {
  if (error instanceof ValidationError) {
    return { status: 400, body: { code: error.code, message: error.message, details: error.problems } };
  }
  if (error instanceof InvalidLinkError) {
    return {
      status: error.reason === 'expired' ? 410 : 400,
      body: { code: error.code, message: error.message },
    };
  }
  if (error instanceof NotFoundError)
    return { status: 404, body: { code: error.code, message: error.message } };
  if (error instanceof CareflowError && error.code === 'Conflict') {
    return { status: 409, body: { code: error.code, message: error.message } };
  }
  // The email provider refused a (test) message for good, or could not take it now.
  if (error instanceof CareflowError && error.code === 'SendRejected') {
    return { status: 422, body: { code: error.code, message: error.message } };
  }
  if (error instanceof CareflowError && error.code === 'SendDeferred') {
    return { status: 503, body: { code: error.code, message: error.message } };
  }
  return { status: 500, body: { code: 'InternalError', message: 'Something went wrong on our side.' } };
};

/** No route has this path. */
export const routeNotFound = (method: string, path: string): HttpResult =>
  json(404, { code: 'NotFound', message: `No route for ${method} ${path}` });

/** The path exists, with other methods: names them (and in `Allow`). */
export const methodNotAllowed = (method: string, path: string, allowed: readonly string[]): HttpResult => {
  const result = json(405, {
    code: 'MethodNotAllowed',
    message: `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`,
    details: { allowed },
  });
  return { ...result, headers: { ...result.headers, allow: allowed.join(', ') } };
};

export const errorJson = (error: unknown): HttpResult => {
  const { status, body } = errorStatus(error);
  return json(status, body);
};

/** Fields of a JSON or form-encoded body, as strings. */
export const bodyFields = (event: APIGatewayProxyEventV2): Record<string, string> => {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const type = (event.headers?.['content-type'] ?? '').toLowerCase();
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ValidationError('The body is not valid JSON.', [
        { path: 'body', message: 'must be valid JSON' },
      ]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ValidationError('The body must be a JSON object.', [
        { path: 'body', message: 'must be an object' },
      ]);
    }
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(text));
};

export const wantsJson = (event: APIGatewayProxyEventV2): boolean => {
  const accept = (event.headers?.accept ?? '').toLowerCase();
  const type = (event.headers?.['content-type'] ?? '').toLowerCase();
  return (
    accept.includes('application/json') ||
    (type.includes('application/json') && !accept.includes('text/html'))
  );
};
