import Link from 'next/link';
import { Card, CardContent } from '@/components/ui/card';

export interface TemplateCard {
  id: string;
  name: string;
  description: string;
  source: string;
  destination: string;
}

/** Starter templates plus a blank automation; each card is a link into the editor. */
export function TemplateGallery({ templates }: { templates: TemplateCard[] }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Templates">
      {templates.map((t) => (
        <li key={t.id}>
          <Link
            href={`/automations/new?template=${encodeURIComponent(t.id)}`}
            className="block h-full rounded-lg focus-visible:outline-2 focus-visible:outline-accent"
            aria-label={`Use template: ${t.name}`}
          >
            <Card className="h-full transition-colors hover:border-accent">
              <CardContent className="flex h-full flex-col gap-2">
                <p className="text-xs text-muted-foreground">
                  {t.source} → {t.destination}
                </p>
                <h3 className="text-sm font-semibold">{t.name}</h3>
                <p className="text-sm text-muted-foreground">{t.description}</p>
              </CardContent>
            </Card>
          </Link>
        </li>
      ))}
      <li>
        <Link
          href="/automations/new?template=blank"
          className="block h-full rounded-lg focus-visible:outline-2 focus-visible:outline-accent"
          aria-label="Start from a blank automation"
        >
          <Card className="h-full border-dashed transition-colors hover:border-accent">
            <CardContent className="flex h-full flex-col gap-2">
              <p className="text-xs text-muted-foreground">Anything → anywhere</p>
              <h3 className="text-sm font-semibold">Blank automation</h3>
              <p className="text-sm text-muted-foreground">Start with an empty filter and one action.</p>
            </CardContent>
          </Card>
        </Link>
      </li>
    </ul>
  );
}
