import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';

// Options are built per request: they read AUTH_SECRET lazily, and `next build` imports this module.
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(req as never, ctx as never, authOptions());
}

export { handler as GET, handler as POST };
