import { z } from 'zod';
import pkg from '@/package.json' with { type: 'json' };
import { errorBody } from './responses';
import { NAMED_SCHEMAS, OPERATIONS, type Operation } from './operations';

type JsonSchema = Record<string, unknown>;

// OpenAPI 3.1 uses JSON Schema 2020-12, which is what z.toJSONSchema emits. Request bodies are described as
// the route accepts them (io: 'input': defaults make fields optional), responses as they are produced.
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input: `{error: {message, fields?}}` with a message per field',
  401: 'Missing, invalid or revoked API token',
  404: 'Not found (also anything owned by another user)',
  409: 'Conflict (a name already in use)',
  429: 'Too many requests (see Retry-After)',
};

function ref(name: string) {
  return { $ref: `#/components/schemas/${name}` };
}

function errorResponse(status: number) {
  return { description: STATUS_TEXT[status], content: { 'application/json': { schema: ref('Error') } } };
}

function parametersOf(op: Operation): unknown[] {
  const params: unknown[] = [];
  for (const m of op.path.matchAll(/\{(\w+)\}/g)) {
    params.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (op.query) {
    const limitSeen = 'limit' in op.query.shape;
    for (const [name, field] of Object.entries(op.query.shape)) {
      const schema = toSchema(field as z.ZodType, 'input');
      const { description, ...rest } = schema;
      params.push({
        name,
        in: 'query',
        required: false,
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
    if (!limitSeen) params.push(limitParam);
    if (!('cursor' in op.query.shape)) params.push(cursorParam);
  } else if (op.method === 'get' && Object.values(op.responses)[0]?.name?.endsWith('List')) {
    params.push(limitParam, cursorParam);
  }
  return params;
}

const limitParam = {
  name: 'limit',
  in: 'query',
  required: false,
  description: 'Page size (default 50, at most 200)',
  schema: { type: 'integer', minimum: 1, maximum: 200 },
};
const cursorParam = {
  name: 'cursor',
  in: 'query',
  required: false,
  description: '`nextCursor` of the previous page',
  schema: { type: 'string' },
};

function operationObject(op: Operation) {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = r.schema
      ? { description: r.description, content: { 'application/json': { schema: ref(r.name!) } } }
      : { description: r.description };
  }
  if (!op.public) {
    if (op.body) responses['400'] = errorResponse(400);
    responses['401'] = errorResponse(401);
    if (op.path.includes('{')) responses['404'] = errorResponse(404);
    if (op.operationId === 'createSecret') responses['409'] = errorResponse(409);
  }
  const parameters = parametersOf(op);
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref(op.body.name), example: op.body.example } },
          },
        }
      : {}),
    responses,
  };
}

/** Names of the schemas used as request bodies (described as input) — every other one is an output. */
function inputNames(): Set<string> {
  return new Set(OPERATIONS.flatMap((op) => (op.body ? [op.body.name] : [])));
}

let cached: JsonSchema | null = null;

/** The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes validate with. */
export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  const inputs = inputNames();
  const schemas: Record<string, JsonSchema> = { Error: toSchema(errorBody, 'output') };
  for (const [name, schema] of Object.entries(NAMED_SCHEMAS)) {
    schemas[name] = toSchema(schema, inputs.has(name) ? 'input' : 'output');
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Hookline API',
      version: pkg.version,
      description:
        'REST API of a Hookline installation. Every operation except this document needs `Authorization: Bearer <token>` ' +
        '(create a token under Settings → API tokens, or `npm run cli -- token create --email E`). Lists return ' +
        '`{items, nextCursor}` and take `?limit=&cursor=`. Errors are `{error: {message, fields?}}`. Anything owned ' +
        'by another user answers 404.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: ['hooks', 'events', 'automations', 'runs', 'secrets', 'preview', 'me', 'meta'].map((name) => ({
      name,
    })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token of a Hookline user' },
      },
      schemas,
    },
  };
  return cached;
}
