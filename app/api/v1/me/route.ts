import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(({ user }) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
}));
