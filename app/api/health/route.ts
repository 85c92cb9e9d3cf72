import { getDbHandle } from '@/db/client';
import { runtime } from '@/lib/runtime';

export const dynamic = 'force-dynamic';

export function GET() {
  try {
    const { sqlite } = getDbHandle();
    sqlite.prepare('select 1').get();
    const state = runtime();
    return Response.json({
      status: 'ok',
      version: state.version,
      database: 'ok',
      worker: state.worker,
      uptimeSeconds: Math.round((Date.now() - state.startedAt) / 1000),
    });
  } catch (error) {
    console.error('Health check failed', error);
    return Response.json({ status: 'error', database: 'unavailable' }, { status: 503 });
  }
}
