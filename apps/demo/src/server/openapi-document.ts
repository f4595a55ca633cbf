import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import type { RouteDoc } from './route-catalog.ts';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        path: { type: 'string' },
      },
    },
  },
};

function schemaOf(schema: v.GenericSchema): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, {
    errorMode: 'ignore',
    target: 'openapi-3.0',
  }) as Record<string, unknown>;
  return rest;
}

/** `/api/executions/:id` → `/api/executions/{id}`, and the path's parameter names. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function queryParameters(schema: v.GenericSchema | undefined): Array<Record<string, unknown>> {
  if (!schema) return [];
  const json = schemaOf(schema) as { properties?: Record<string, unknown> };
  return Object.keys(json.properties ?? {}).map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: { type: 'string' },
  }));
}

/** The OpenAPI 3.0 document of the API, from its route catalog. */
export function buildOpenApiDocument(
  routes: readonly RouteDoc[],
  options: { title: string; version: string; tokenRequired: boolean },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { path, params } = openApiPath(route.path);
    const status = String(route.status ?? 200);
    const produces = route.produces ?? 'application/json';
    const errors: Record<string, unknown> = {
      '400': { $ref: '#/components/responses/Error' },
      '404': { $ref: '#/components/responses/Error' },
    };
    if (route.auth === 'bearer' && options.tokenRequired) {
      errors['401'] = { $ref: '#/components/responses/Error' };
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, next?: string) => (next ?? '').toUpperCase())}`,
      security: route.auth === 'bearer' && options.tokenRequired ? [{ bearer: [] }] : [],
      parameters: [
        ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
        ...queryParameters(route.query),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: false,
              content: { 'application/json': { schema: schemaOf(route.body) } },
            },
          }
        : {}),
      responses: {
        [status]: { description: 'OK', content: { [produces]: { schema: {} } } },
        ...errors,
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: options.title, version: options.version },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ERROR_SCHEMA },
      responses: {
        Error: {
          description: 'An error: `{ error: { code, message, path? } }`',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
