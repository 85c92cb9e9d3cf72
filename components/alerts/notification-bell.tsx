'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { BellIcon } from '@/components/ui/icons';
import { TimeAgo } from '@/components/ui/time-ago';
import type { AlertView } from '@/lib/alerts/alerts';

const POLL_MS = 5_000;

interface Feed {
  unread: number;
  items: AlertView[];
}

/** The app shell's bell: unread count, newest alerts, mark read. Polls a small endpoint so alerts appear live. */
export function NotificationBell({ initialUnread = 0 }: { initialUnread?: number }) {
  const [feed, setFeed] = useState<Feed>({ unread: initialUnread, items: [] });
  const [openOn, setOpenOn] = useState<string | null>(null);
  const pathname = usePathname();
  const open = openOn === pathname;
  const root = useRef<HTMLDivElement>(null);

  const load = useCallback(async (init?: RequestInit) => {
    try {
      const res = await fetch('/api/ui/alerts', { cache: 'no-store', ...init });
      if (res.ok) setFeed((await res.json()) as Feed);
    } catch {
      /* offline or restarting: the next poll tries again */
    }
  }, []);

  useEffect(() => {
    const first = setTimeout(() => void load(), 0);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, POLL_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [load]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpenOn(null);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpenOn(null);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const post = (body: unknown) =>
    load({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  return (
    <div ref={root} className="relative">
      <button
        type="button"
        aria-label={feed.unread > 0 ? `Notifications, ${feed.unread} unread` : 'Notifications'}
        aria-expanded={open}
        aria-controls="notification-panel"
        onClick={() => setOpenOn(open ? null : pathname)}
        className="relative rounded-md p-2 text-muted-foreground hover:bg-muted hover:text-foreground"
      >
        <BellIcon className="size-5" />
        {feed.unread > 0 && (
          <span
            aria-hidden
            className="absolute -right-0.5 -top-0.5 min-w-4 rounded-full bg-danger px-1 text-center text-[10px] font-semibold leading-4 text-danger-foreground"
          >
            {feed.unread > 99 ? '99+' : feed.unread}
          </span>
        )}
      </button>
      {open && (
        <div
          id="notification-panel"
          role="region"
          aria-label="Notifications"
          className="absolute right-0 top-full z-50 mt-2 w-[22rem] max-w-[calc(100vw-2rem)] rounded-lg border border-border bg-background shadow-lg"
        >
          <div className="flex items-center justify-between border-b border-border px-3 py-2">
            <span className="text-sm font-medium">Notifications</span>
            <Button
              variant="ghost"
              size="sm"
              disabled={feed.unread === 0}
              onClick={() => void post({ all: true })}
            >
              Mark all read
            </Button>
          </div>
          {feed.items.length === 0 ? (
            <p className="px-3 py-6 text-center text-sm text-muted-foreground">No alerts yet.</p>
          ) : (
            <ul className="max-h-96 divide-y divide-border overflow-y-auto">
              {feed.items.map((a) => (
                <li key={a.id} className={`px-3 py-2 ${a.read ? '' : 'bg-accent/5'}`}>
                  <div className="flex items-start justify-between gap-2">
                    <div className="min-w-0">
                      {a.link ? (
                        <Link
                          href={a.link}
                          onClick={() => {
                            setOpenOn(null);
                            if (!a.read) void post({ id: a.id });
                          }}
                          className="text-sm font-medium hover:underline"
                        >
                          {a.title}
                        </Link>
                      ) : (
                        <span className="text-sm font-medium">{a.title}</span>
                      )}
                      <p className="line-clamp-2 text-xs text-muted-foreground">{a.message}</p>
                      <div className="mt-1 flex items-center gap-2 text-xs text-muted-foreground">
                        <Badge tone={a.status === 'open' ? 'danger' : 'success'}>
                          {a.status === 'open' ? 'Open' : 'Resolved'}
                        </Badge>
                        {a.count > 1 && <span>{a.count}×</span>}
                        <TimeAgo date={a.lastAt} />
                      </div>
                    </div>
                    {!a.read && (
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Mark “${a.title}” read`}
                        onClick={() => void post({ id: a.id })}
                      >
                        Mark read
                      </Button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <div className="border-t border-border px-3 py-2 text-right">
            <Link
              href="/alerts"
              onClick={() => setOpenOn(null)}
              className="text-sm text-accent hover:underline"
            >
              All alerts
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
