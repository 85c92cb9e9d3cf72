'use client';

import { Toaster as SonnerToaster, type ToasterProps } from 'sonner';
import { useResolvedTheme } from './use-theme';

/** Sonner's Toaster following the app theme (the `dark` class), not only the OS setting. */
export function Toaster(props: Omit<ToasterProps, 'theme'>) {
  const theme = useResolvedTheme();
  return <SonnerToaster theme={theme} position="bottom-right" closeButton {...props} />;
}
