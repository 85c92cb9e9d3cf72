import { sessionRoute } from '@/lib/api/session-route';
import { exportAutomations, exportFileName } from '@/lib/transfer/transfer';

export const dynamic = 'force-dynamic';

// A plain GET (the export form's checkboxes become ?id=…&id=…), answered as a file download.
export const GET = sessionRoute(({ user, url }) => {
  const ids = url.searchParams.getAll('id');
  const file = exportAutomations(user, ids.length > 0 ? ids : null);
  return new Response(`${JSON.stringify(file, null, 2)}\n`, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${exportFileName()}"`,
      'cache-control': 'no-store',
    },
  });
});
