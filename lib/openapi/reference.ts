import { openApiDocument } from './document';

// The OpenAPI document flattened for the in-app API reference page (app/(app)/api-docs).

interface DocParameter {
  name: string;
  in: string;
  description?: string;
  schema?: { type?: string; enum?: string[] };
}
interface DocResponse {
  description: string;
  content?: { 'application/json': { schema: { $ref: string } } };
}
interface DocOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters?: DocParameter[];
  requestBody?: { content: { 'application/json': { schema: { $ref: string }; example: unknown } } };
  responses: Record<string, DocResponse>;
}

export interface ReferenceOperation {
  operationId: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  parameters: { name: string; in: string; type: string; description?: string }[];
  body: { name: string; example: string } | null;
  responses: { status: string; description: string; schema: string | null }[];
}

const refName = (ref: string) => ref.split('/').at(-1)!;

export function apiReference(): {
  groups: { tag: string; operations: ReferenceOperation[] }[];
  schemas: Record<string, string>;
} {
  const doc = openApiDocument() as {
    tags: { name: string }[];
    paths: Record<string, Record<string, DocOperation>>;
    components: { schemas: Record<string, unknown> };
  };
  const groups = doc.tags.map((t) => ({ tag: t.name, operations: [] as ReferenceOperation[] }));
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const media = op.requestBody?.content['application/json'];
      groups
        .find((g) => g.tag === op.tags[0])
        ?.operations.push({
          operationId: op.operationId,
          method: method as ReferenceOperation['method'],
          path,
          summary: op.summary,
          description: op.description,
          parameters: (op.parameters ?? []).map((p) => ({
            name: p.name,
            in: p.in,
            type: p.schema?.enum ? p.schema.enum.join(' | ') : (p.schema?.type ?? 'string'),
            description: p.description,
          })),
          body: media
            ? { name: refName(media.schema.$ref), example: JSON.stringify(media.example, null, 2) }
            : null,
          responses: Object.entries(op.responses).map(([status, r]) => ({
            status,
            description: r.description,
            schema: r.content ? refName(r.content['application/json'].schema.$ref) : null,
          })),
        });
    }
  }
  const schemas = Object.fromEntries(
    Object.entries(doc.components.schemas).map(([name, s]) => [name, JSON.stringify(s, null, 2)]),
  );
  return { groups: groups.filter((g) => g.operations.length > 0), schemas };
}
