import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { apiReference } from '@/lib/openapi/reference';

export const metadata: Metadata = { title: 'API reference' };

const METHOD_TONE = { get: 'info', post: 'success', patch: 'warning', delete: 'danger' } as const;

export default async function ApiDocsPage() {
  await requireUser();
  const { groups, schemas } = apiReference();
  return (
    <>
      <PageHeader
        title="API reference"
        description="The REST API under /api/v1: JSON in and out, Authorization: Bearer <token> (create one in Settings → API tokens). Lists return {items, nextCursor} and take ?limit=&cursor=; errors are {error: {message, fields?}}."
        actions={
          <a href="/api/v1/openapi.json" className={buttonClasses('secondary')}>
            OpenAPI document
          </a>
        }
      />
      <nav aria-label="API sections" className="mb-6 flex flex-wrap gap-2 text-sm">
        {groups.map((g) => (
          <a
            key={g.tag}
            href={`#${g.tag}`}
            className="rounded-md border border-border px-2 py-1 hover:bg-muted"
          >
            {g.tag}
          </a>
        ))}
      </nav>
      <div className="space-y-8">
        {groups.map((g) => (
          <section key={g.tag} id={g.tag} aria-labelledby={`${g.tag}-title`} className="space-y-4">
            <h2 id={`${g.tag}-title`} className="text-lg font-semibold capitalize">
              {g.tag}
            </h2>
            {g.operations.map((op) => (
              <Card key={op.operationId} id={op.operationId}>
                <CardHeader>
                  <CardTitle as="h3" className="flex flex-wrap items-center gap-2 font-mono text-sm">
                    <Badge tone={METHOD_TONE[op.method]}>{op.method.toUpperCase()}</Badge>
                    <span>{op.path}</span>
                  </CardTitle>
                  <p className="text-sm">{op.summary}</p>
                  {op.description && <p className="text-sm text-muted-foreground">{op.description}</p>}
                </CardHeader>
                <CardContent className="space-y-3 text-sm">
                  {op.parameters.length > 0 && (
                    <div>
                      <h4 className="mb-1 font-medium">Parameters</h4>
                      <ul className="space-y-0.5">
                        {op.parameters.map((p) => (
                          <li key={`${p.in}-${p.name}`}>
                            <code className="font-mono">{p.name}</code>{' '}
                            <span className="text-muted-foreground">
                              ({p.in}, {p.type}){p.description ? ` — ${p.description}` : ''}
                            </span>
                          </li>
                        ))}
                      </ul>
                    </div>
                  )}
                  {op.body && (
                    <div className="space-y-2">
                      <h4 className="font-medium">
                        Request body <code className="font-mono text-muted-foreground">{op.body.name}</code>
                      </h4>
                      <CodeBlock code={op.body.example} copyLabel={`Copy the ${op.operationId} example`} />
                      <details>
                        <summary className="cursor-pointer text-muted-foreground">Schema</summary>
                        <CodeBlock code={schemas[op.body.name]} copyable={false} className="mt-2" />
                      </details>
                    </div>
                  )}
                  <div>
                    <h4 className="mb-1 font-medium">Responses</h4>
                    <ul className="space-y-1">
                      {op.responses.map((r) => (
                        <li key={r.status}>
                          <code className="font-mono">{r.status}</code> {r.description}
                          {r.schema && (
                            <details className="mt-1">
                              <summary className="cursor-pointer text-muted-foreground">{r.schema}</summary>
                              <CodeBlock code={schemas[r.schema]} copyable={false} className="mt-2" />
                            </details>
                          )}
                        </li>
                      ))}
                    </ul>
                  </div>
                </CardContent>
              </Card>
            ))}
          </section>
        ))}
      </div>
    </>
  );
}
