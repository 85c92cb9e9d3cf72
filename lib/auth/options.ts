import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { verifyPassword } from '@/lib/crypto/password';
import { authSecret } from '@/lib/env';
import { loginRetryAfter, recordLoginFailure, recordLoginSuccess } from '@/lib/users/login-throttle';
import { findUserByEmail } from '@/lib/users/users';

// A well-formed hash to compare against when the email is unknown, so both paths cost one scrypt.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function clientIp(headers: Record<string, unknown> | undefined): string | null {
  const fwd = headers?.['x-forwarded-for'];
  if (process.env.HOOKLINE_TRUST_PROXY === 'true' && typeof fwd === 'string') return fwd.split(',')[0].trim();
  const real = headers?.['x-hookline-client-ip'];
  return typeof real === 'string' ? real : null;
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: 30 * 24 * 3600 },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(credentials, req) {
          const email = String(credentials?.email ?? '').trim();
          const password = String(credentials?.password ?? '');
          const ip = clientIp(req?.headers as Record<string, unknown> | undefined);
          const wait = loginRetryAfter(email, ip);
          if (wait > 0) throw new Error(`Too many failed attempts. Try again in ${wait} seconds.`);
          const user = email ? findUserByEmail(email) : undefined;
          const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
          if (!user || !ok) {
            recordLoginFailure(email, ip);
            throw new Error('Incorrect email or password.');
          }
          if (user.disabled) throw new Error('This account is disabled. Ask an administrator.');
          recordLoginSuccess(email);
          return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sv = (user as { sv?: number }).sv ?? 0;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user) Object.assign(session.user, { id: token.sub, sv: token.sv ?? 0 });
        return session;
      },
    },
  };
}
