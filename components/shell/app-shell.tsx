'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { useState, type ReactNode } from 'react';
import { NotificationBell } from '@/components/alerts/notification-bell';
import {
  AutomationIcon,
  DashboardIcon,
  ExternalIcon,
  KeyIcon,
  LogoutIcon,
  MenuIcon,
  RunsIcon,
  SettingsIcon,
  WebhookIcon,
  XIcon,
} from '@/components/ui/icons';
import { ThemeToggle } from '@/components/ui/theme-toggle';

const NAV = [
  { href: '/', label: 'Dashboard', icon: DashboardIcon },
  { href: '/hooks', label: 'Hooks', icon: WebhookIcon },
  { href: '/automations', label: 'Automations', icon: AutomationIcon },
  { href: '/runs', label: 'Runs', icon: RunsIcon },
  { href: '/destinations', label: 'Destinations', icon: ExternalIcon },
  { href: '/settings', label: 'Settings', icon: SettingsIcon },
  { href: '/api-docs', label: 'API', icon: KeyIcon },
];

export interface ShellUser {
  email: string;
  name: string;
  role: 'admin' | 'member';
}

function isActive(pathname: string, href: string) {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export function AppShell({
  user,
  unreadAlerts = 0,
  children,
}: {
  user: ShellUser;
  unreadAlerts?: number;
  children: ReactNode;
}) {
  const pathname = usePathname();
  // The mobile menu belongs to the page it was opened on, so navigating closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;

  const nav = (
    <nav aria-label="Main" className="flex flex-col gap-1">
      {NAV.map(({ href, label, icon: Icon }) => {
        const active = isActive(pathname, href);
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? 'page' : undefined}
            className={`flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium transition-colors ${
              active
                ? 'bg-accent/10 text-accent'
                : 'text-muted-foreground hover:bg-muted hover:text-foreground'
            }`}
          >
            <Icon className="size-4" />
            {label}
          </Link>
        );
      })}
    </nav>
  );

  const footer = (
    <div className="mt-auto space-y-2 border-t border-border pt-3">
      <div className="px-3 text-xs text-muted-foreground">
        <div className="truncate font-medium text-foreground" title={user.email}>
          {user.name || user.email}
        </div>
        <div className="truncate">{user.role === 'admin' ? 'Administrator' : 'Member'}</div>
      </div>
      <div className="flex items-center justify-between gap-2 px-1">
        <ThemeToggle />
        <button
          type="button"
          onClick={() => void signOut({ callbackUrl: '/signin' })}
          className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-muted-foreground hover:bg-muted hover:text-foreground"
        >
          <LogoutIcon className="size-4" />
          Sign out
        </button>
      </div>
    </div>
  );

  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-background focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 hidden h-screen w-56 shrink-0 flex-col gap-4 border-r border-border p-3 md:flex">
        <Link href="/" className="px-3 pt-1 text-lg font-semibold tracking-tight">
          Hookline
        </Link>
        {nav}
        {footer}
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between gap-2 border-b border-border p-3 md:justify-end md:px-8 md:py-2">
          <Link href="/" className="text-lg font-semibold md:hidden">
            Hookline
          </Link>
          <div className="ml-auto md:ml-0">
            <NotificationBell initialUnread={unreadAlerts} />
          </div>
          <button
            type="button"
            aria-label={open ? 'Close menu' : 'Open menu'}
            aria-expanded={open}
            aria-controls="mobile-nav"
            onClick={() => setOpenOn(open ? null : pathname)}
            className="rounded-md p-2 hover:bg-muted md:hidden"
          >
            {open ? <XIcon className="size-5" /> : <MenuIcon className="size-5" />}
          </button>
        </header>
        {open && (
          <div id="mobile-nav" className="flex flex-col gap-4 border-b border-border p-3 md:hidden">
            {nav}
            {footer}
          </div>
        )}
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 p-4 md:p-8">
          {children}
        </main>
      </div>
    </div>
  );
}
