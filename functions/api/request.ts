import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ValidationError } from '../../shared/domain/errors.js';

/** What a route handler gets: path parameters, query, headers and the body, parsed on demand. */
export interface ApiRequest {
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string | undefined>>;
  header(name: string): string | undefined;
  /** The JSON body; a missing or malformed body is a ValidationError naming `body`. */
  body(): unknown;
  /** The JSON body, or `{}` when there is none. */
  optionalBody(): unknown;
}

const decoded = (value: string): string => {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

export const toRequest = (event: APIGatewayProxyEventV2, params: Record<string, string>): ApiRequest => {
  const text = () =>
    event.body && event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : (event.body ?? '');
  const parse = (raw: string): unknown => {
    try {
      return JSON.parse(raw);
    } catch {
      throw new ValidationError('The body is not valid JSON.', [
        { path: 'body', message: 'must be valid JSON' },
      ]);
    }
  };
  return {
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, decoded(v)])),
    query: event.queryStringParameters ?? {},
    header: (name) => event.headers?.[name.toLowerCase()],
    body: () => {
      const raw = text();
      if (raw.trim() === '')
        throw new ValidationError('The body is missing.', [{ path: 'body', message: 'is required' }]);
      return parse(raw);
    },
    optionalBody: () => {
      const raw = text();
      return raw.trim() === '' ? {} : parse(raw);
    },
  };
};

/** A whole number from a header or query value (`If-Match: 3`, `"3"` or `W/"3"`), or undefined when absent. */
export const revisionFrom = (raw: string | undefined, name: string): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`${name} must be a revision number.`, [
      { path: name, message: 'must be a whole number from 1' },
    ]);
  }
  return value;
};

/** An optional positive number from the query string. */
export const numberFrom = (raw: string | undefined, name: string): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${name} must be a number.`, [
      { path: name, message: 'must be a number of 0 or more' },
    ]);
  }
  return value;
};
