import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * An HTTP API request to a public link endpoint (`/surveys/{token}`, `/unsubscribe/{token}`), as
 * API Gateway hands it to the function: a form post answered in JSON unless `headers` say else.
 */
export const linkRequest = (
  method: 'GET' | 'POST',
  path: 'surveys' | 'unsubscribe',
  token: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: `${method} /${path}/{token}`,
  rawPath: `/${path}/${token}`,
  rawQueryString: '',
  headers: options.headers ?? {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  },
  pathParameters: { token },
  requestContext: {
    accountId: '000000000000',
    apiId: 'test',
    domainName: 'care.example.com',
    domainPrefix: 'care',
    http: {
      method,
      path: `/${path}/${token}`,
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'browser',
    },
    requestId: 'r-1',
    routeKey: `${method} /${path}/{token}`,
    stage: '$default',
    time: '02/Nov/2026:09:00:00 +0000',
    timeEpoch: 0,
  },
  ...(options.body === undefined ? {} : { body: options.body }),
  isBase64Encoded: false,
});
