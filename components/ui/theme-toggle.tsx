'use client';

import { Button } from './button';
import { MonitorIcon, MoonIcon, SunIcon } from './icons';
import type { ThemePreference } from './theme-script';
import { setThemePreference, useThemePreference } from './use-theme';

const order: ThemePreference[] = ['light', 'dark', 'system'];
const names: Record<ThemePreference, string> = { light: 'Light', dark: 'Dark', system: 'System' };
const icons = { light: SunIcon, dark: MoonIcon, system: MonitorIcon };

/** Cycles light → dark → system. The root layout must also run themeInitScript (from ./theme-script). */
export function ThemeToggle({ className }: { className?: string }) {
  const preference = useThemePreference();
  const next = order[(order.indexOf(preference) + 1) % order.length];
  const Icon = icons[preference];
  const label = `Theme: ${names[preference]}. Switch to ${names[next]}`;
  return (
    <Button
      variant="ghost"
      size="icon"
      aria-label={label}
      title={label}
      className={className}
      onClick={() => setThemePreference(next)}
    >
      <Icon />
    </Button>
  );
}
