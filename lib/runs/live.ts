import type { SessionUser } from '@/lib/users/users';
import {
  countRuns,
  getRunsByIds,
  listRuns,
  type RunFilter,
  type RunListItem,
  type RunListQuery,
} from './query';
import { runFilterOptions, type RunFilterOptions } from './filter-options';
import { rangeStart, type RunUrlFilter } from './url-filter';

type Owner = Pick<SessionUser, 'id'>;

export interface RunsPoll {
  /** With `after`: runs newer than it (newest first, at most one page). Otherwise: one page of the list. */
  items: RunListItem[];
  nextCursor: string | null;
  /** Current state of the watched runs (the ones a view shows as not final yet). */
  updates: RunListItem[];
}

/**
 * One request of the live run list: a page ("Load more"), or the rows newer than `after` plus fresh state of the
 * `watch` ids. With a payload search no new rows are polled (the order is by event, and a reload shows them).
 */
export function pollRuns(user: Owner, query: RunListQuery, watch: string | null): RunsPoll {
  const ids = (watch ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const updates = getRunsByIds(user, ids);
  if (query.after) {
    if (query.q) return { items: [], nextCursor: null, updates };
    // A non-null nextCursor here means more new runs arrived than one page: the view starts over from this page.
    return { ...listRuns(user, { ...query, cursor: undefined, limit: 50 }), updates };
  }
  return { ...listRuns(user, query), updates };
}

export interface RunsPageData {
  /** Start of the time range, fixed at page load so polling and "Load more" see the same window. */
  from: number | null;
  items: RunListItem[];
  nextCursor: string | null;
  options: RunFilterOptions;
  /** Failed runs matching the filter (ignoring the status chip): what "Retry failed" would retry. */
  failed: { count: number; capped: boolean };
}

/** Everything the run list page needs for its first render, from the filters in its URL. */
export function loadRunsPage(user: Owner, urlFilter: RunUrlFilter, now = Date.now()): RunsPageData {
  const filter: RunFilter = {
    automationId: urlFilter.automationId || undefined,
    hookId: urlFilter.hookId || undefined,
    eventId: urlFilter.eventId || undefined,
    triggerType: (urlFilter.triggerType || undefined) as RunFilter['triggerType'],
    from: rangeStart(urlFilter.range, now),
    q: urlFilter.q || undefined,
  };
  const page = listRuns(user, {
    ...filter,
    status: (urlFilter.status || undefined) as RunListQuery['status'],
    limit: 50,
  });
  return {
    ...page,
    from: filter.from ?? null,
    options: runFilterOptions(user),
    failed: countRuns(user, { ...filter, status: 'failed' }),
  };
}
