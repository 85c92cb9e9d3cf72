export interface ContentType {
  /** Lower-case `type/subtype`, '' when absent. */
  mime: string;
  /** Parameter names lower-cased; quoted values unquoted. */
  params: Record<string, string>;
}

const PARAM_RE = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;

export function parseContentType(header: string | undefined): ContentType {
  if (header === undefined) return { mime: '', params: {} };
  const semi = header.indexOf(';');
  const mime = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  if (semi >= 0) {
    for (const match of header.slice(semi).matchAll(PARAM_RE)) {
      const name = match[1]!.toLowerCase();
      const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
      if (!Object.hasOwn(params, name)) params[name] = value;
    }
  }
  return { mime, params };
}
