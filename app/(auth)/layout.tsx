import type { ReactNode } from 'react';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="text-2xl font-semibold tracking-tight">Hookline</div>
          <p className="text-sm text-muted-foreground">Webhooks in, automations out.</p>
        </div>
        {children}
      </div>
    </main>
  );
}
