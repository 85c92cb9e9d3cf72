'use client';

import { useEffect, useState } from 'react';

const units: Array<[limitSeconds: number, divisor: number, unit: string]> = [
  [3600, 60, 'min'],
  [86400, 3600, 'h'],
  [86400 * 30, 86400, 'd'],
];

/** "just now", "3 min ago", "in 2 h", "5 d ago"; a month or more away shows the ISO date. */
export function formatTimeAgo(date: Date, now: number): string {
  const diffSeconds = Math.round((now - date.getTime()) / 1000);
  const abs = Math.abs(diffSeconds);
  if (abs < 45) return diffSeconds >= 0 ? 'just now' : 'in a few seconds';
  for (const [limit, divisor, unit] of units) {
    if (abs < limit) {
      const amount = Math.max(1, Math.round(abs / divisor));
      return diffSeconds >= 0 ? `${amount} ${unit} ago` : `in ${amount} ${unit}`;
    }
  }
  return date.toISOString().slice(0, 10);
}

export type TimeAgoProps = {
  date: Date | string | number;
  className?: string;
};

export function TimeAgo({ date, className }: TimeAgoProps) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const value = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(value.getTime())) return <span className={className}>—</span>;
  const iso = value.toISOString();
  return (
    // Server and browser clocks differ, so the first client render may read differently; the
    // 30 s tick corrects it.
    <time dateTime={iso} title={iso} className={className} suppressHydrationWarning>
      {formatTimeAgo(value, now)}
    </time>
  );
}
