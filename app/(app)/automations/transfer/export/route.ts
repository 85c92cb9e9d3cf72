import { errorResponse } from '@/lib/api/route';
import { userFromRequestCookie } from '@/lib/auth/session';
import { UnauthorizedError } from '@/lib/errors';
import { exportAutomations, exportFileName } from '@/lib/transfer/transfer';

export const dynamic = 'force-dynamic';

// A plain GET (the export form's checkboxes become ?id=…&id=…), answered as a file download.
export async function GET(req: Request): Promise<Response> {
  try {
    const user = await userFromRequestCookie(req);
    if (!user) throw new UnauthorizedError();
    const ids = new URL(req.url).searchParams.getAll('id');
    const file = exportAutomations(user, ids.length > 0 ? ids : null);
    return new Response(`${JSON.stringify(file, null, 2)}\n`, {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${exportFileName()}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
