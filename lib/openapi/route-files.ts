import fs from 'node:fs';
import path from 'node:path';

/**
 * Every `METHOD path` served by app/api/v1/**\/route.ts, read from the files themselves (exported GET/POST/…),
 * with dynamic segments written OpenAPI-style: `[id]` → `{id}`. Used by tests to check the document's coverage.
 */
export function apiV1Routes(root = process.cwd()): string[] {
  const base = path.join(root, 'app', 'api', 'v1');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const rel = path.relative(base, dir).split(path.sep).filter(Boolean);
        const urlPath = ['/api/v1', ...rel.map((s) => s.replace(/^\[(\w+)\]$/, '{$1}'))].join('/');
        const source = fs.readFileSync(full, 'utf8');
        for (const m of source.matchAll(
          /export\s+(?:const|(?:async\s+)?function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g,
        )) {
          found.push(`${m[1]} ${urlPath}`);
        }
      }
    }
  };
  walk(base);
  return found.sort();
}
