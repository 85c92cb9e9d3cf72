import { runCli, type TestServer } from './server';

export interface ApiClient {
  token: string;
  email: string;
  call: (
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; json: any; headers: Headers }>;
  ok: <T = any>(method: string, path: string, body?: unknown) => Promise<T>;
}

/** Creates a user with an API token through the real CLI and returns a client for /api/v1. */
export async function createApiUser(
  server: TestServer,
  email: string,
  options: { admin?: boolean } = {},
): Promise<ApiClient> {
  const env = { DATABASE_URL: `file:${server.dbPath}` };
  const created = await runCli(
    ['user', 'create', '--email', email, '--password', 'password-123', ...(options.admin ? ['--admin'] : [])],
    env,
  );
  if (created.code !== 0) throw new Error(created.stderr);
  const tok = await runCli(['token', 'create', '--email', email], env);
  if (tok.code !== 0) throw new Error(tok.stderr);
  const token = tok.stdout.trim().split('\n').at(-1)!;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  };
  return {
    token,
    email,
    call,
    ok: async (method, path, body) => {
      const r = await call(method, path, body);
      if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.json)}`);
      return r.json;
    },
  };
}

/** Path part of a hook's URL (tests talk to their own server address). */
export function hookPath(hook: { url: string }): string {
  return new URL(hook.url).pathname;
}
