'use client';

import { useSyncExternalStore } from 'react';
import { THEME_STORAGE_KEY, type ThemePreference } from './theme-script';

const listeners = new Set<() => void>();
const darkQuery = '(prefers-color-scheme: dark)';

function readPreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(THEME_STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

function applyTheme(preference: ThemePreference) {
  const dark = preference === 'dark' || (preference === 'system' && window.matchMedia(darkQuery).matches);
  const root = document.documentElement;
  root.classList.toggle('dark', dark);
  root.style.colorScheme = dark ? 'dark' : 'light';
}

function notify() {
  for (const listener of listeners) listener();
}

// Follow the OS setting and other tabs while anything is subscribed.
function onExternalChange() {
  applyTheme(readPreference());
  notify();
}

function subscribe(listener: () => void) {
  if (listeners.size === 0) {
    window.matchMedia(darkQuery).addEventListener('change', onExternalChange);
    window.addEventListener('storage', onExternalChange);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.matchMedia(darkQuery).removeEventListener('change', onExternalChange);
      window.removeEventListener('storage', onExternalChange);
    }
  };
}

export function setThemePreference(preference: ThemePreference) {
  try {
    localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Storage can be unavailable (private mode, blocked cookies): the theme still applies for this page.
  }
  applyTheme(preference);
  notify();
}

/** The stored choice: light, dark or system. "system" during server rendering. */
export function useThemePreference(): ThemePreference {
  return useSyncExternalStore(subscribe, readPreference, () => 'system');
}

/** The theme actually shown, after resolving "system". "light" during server rendering. */
export function useResolvedTheme(): 'light' | 'dark' {
  return useSyncExternalStore(
    subscribe,
    () => (document.documentElement.classList.contains('dark') ? 'dark' : 'light'),
    () => 'light',
  );
}
