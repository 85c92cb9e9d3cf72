// No 'use client' here on purpose: the root layout (a server component) imports this string, and
// a value exported from a client module would reach it as a client reference, not as text.

export const THEME_STORAGE_KEY = 'hookline-theme';

export type ThemePreference = 'light' | 'dark' | 'system';

/**
 * Inline script for <head> in the root layout; it sets the `dark` class before first paint so a
 * dark-theme user never sees a white flash. Put suppressHydrationWarning on <html>, since the class
 * differs from the server render.
 */
export const themeInitScript = `(function(){try{var t=localStorage.getItem(${JSON.stringify(
  THEME_STORAGE_KEY,
)});var d=t==="dark"||(t!=="light"&&window.matchMedia("(prefers-color-scheme: dark)").matches);var r=document.documentElement;r.classList.toggle("dark",d);r.style.colorScheme=d?"dark":"light"}catch(e){}})();`;
