'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function SettingsNav({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const items = [
    { href: '/settings', label: 'Profile' },
    { href: '/settings/tokens', label: 'API tokens' },
    { href: '/settings/secrets', label: 'Secrets' },
    { href: '/settings/alerts', label: 'Alerts' },
    ...(isAdmin
      ? [
          { href: '/settings/users', label: 'Users' },
          { href: '/settings/retention', label: 'Retention' },
        ]
      : []),
  ];
  return (
    <nav aria-label="Settings" className="flex gap-1 overflow-x-auto border-b border-border">
      {items.map((item) => {
        const active = pathname === item.href;
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
              active
                ? 'border-accent text-foreground'
                : 'border-transparent text-muted-foreground hover:text-foreground'
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
