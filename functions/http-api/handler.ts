import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { makeApi } from './api.ts';

let cached: ((event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>) | undefined;

/** The Lambda entry point of the HTTP API; env and clients are built once per container. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  cached ??= makeApi((await import('./deps.ts')).createDeps());
  return cached(event);
};
