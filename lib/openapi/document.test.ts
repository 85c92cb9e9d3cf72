import { describe, expect, it } from 'vitest';
import { openApiDocument } from './document';
import { OPERATIONS, NAMED_SCHEMAS } from './operations';
import { apiV1Routes } from './route-files';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content: Record<string, { schema: { $ref: string }; example?: unknown }> } }
    >
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

const doc = openApiDocument() as unknown as Doc;

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with a bearer scheme and the error shape', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(doc.components.schemas.Error).toMatchObject({
      properties: { error: { properties: { message: { type: 'string' } } } },
    });
    expect(doc.components.schemas.HookList).toMatchObject({
      required: expect.arrayContaining(['items', 'nextCursor']),
    });
  });

  it('documents every route file under app/api/v1, and nothing that does not exist', () => {
    const routes = apiV1Routes();
    expect(routes.length).toBeGreaterThan(15);
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(routes);
  });

  it('has request examples that validate against the zod schemas the routes use', () => {
    const withBodies = OPERATIONS.filter((op) => op.body);
    expect(withBodies.length).toBeGreaterThanOrEqual(7);
    for (const op of withBodies) {
      const media = doc.paths[op.path][op.method].requestBody!.content['application/json'];
      expect(media.schema.$ref).toBe(`#/components/schemas/${op.body!.name}`);
      const result = NAMED_SCHEMAS[op.body!.name as keyof typeof NAMED_SCHEMAS].safeParse(media.example);
      expect(result.error?.issues ?? [], `${op.operationId} example`).toEqual([]);
    }
  });

  it('describes request bodies as input: fields with defaults are optional', () => {
    const hookInput = doc.components.schemas.HookInput as { required: string[] };
    expect(hookInput.required).toEqual(['name']);
  });
});

describe('parameters', () => {
  it('lists each query parameter once, with limit and cursor on every list', () => {
    const paths = doc.paths as unknown as Record<string, Record<string, { parameters?: { name: string }[] }>>;
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const names = (op.parameters ?? []).map((p) => p.name);
        expect(new Set(names).size, `${method} ${path}`).toBe(names.length);
      }
    }
    for (const path of ['/api/v1/hooks', '/api/v1/events', '/api/v1/runs', '/api/v1/alerts']) {
      const names = (paths[path].get.parameters ?? []).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['limit', 'cursor']));
    }
  });
});
