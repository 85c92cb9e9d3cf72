import { parseContentType } from './content-type';
import { addField, type FieldMap } from './fields';

export interface MultipartFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface MultipartBody {
  fields: FieldMap;
  files: MultipartFile[];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Parses a complete multipart/form-data body; returns null when it is not well-formed. */
export function parseMultipart(raw: Buffer, boundary: string): MultipartBody | null {
  if (boundary === '' || boundary.length > 200) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  // Every delimiter after the first is preceded by CRLF, which belongs to the delimiter, not the part.
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  const result: MultipartBody = { fields: {}, files: [] };

  let pos = raw.indexOf(delimiter);
  if (pos < 0) return null;
  pos += delimiter.length;
  for (;;) {
    if (raw[pos] === 0x2d && raw[pos + 1] === 0x2d) return result; // `--boundary--`: the end
    const lineEnd = raw.indexOf(CRLF, pos);
    if (lineEnd < 0) return null;
    const headerEnd = raw.indexOf(HEADER_END, lineEnd);
    if (headerEnd < 0) return null;
    const headerBlock = headerEnd === lineEnd ? '' : raw.subarray(lineEnd + 2, headerEnd).toString('utf8');
    const contentStart = headerEnd + HEADER_END.length;
    const contentEnd = raw.indexOf(nextDelimiter, contentStart);
    if (contentEnd < 0) return null;
    if (!addPart(result, headerBlock, raw.subarray(contentStart, contentEnd))) return null;
    pos = contentEnd + nextDelimiter.length;
  }
}

function addPart(result: MultipartBody, headerBlock: string, content: Buffer): boolean {
  const headers = new Map<string, string>();
  for (const line of headerBlock.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition');
  if (disposition === undefined) return false;
  // Content-Disposition shares the `value; name="x"` grammar with Content-Type.
  const { params } = parseContentType(disposition);
  const name = params['name'];
  if (name === undefined) return false;
  const filename =
    params['filename*'] !== undefined ? decodeExtValue(params['filename*']) : params['filename'];
  if (filename !== undefined) {
    const contentType = headers.get('content-type') ?? 'application/octet-stream';
    result.files.push({ field: name, filename, contentType, size: content.length });
  } else {
    addField(result.fields, name, content.toString('utf8'));
  }
  return true;
}

// RFC 5987 `UTF-8''na%C3%AFve.txt`
function decodeExtValue(value: string): string {
  const match = /^[^']*'[^']*'(.*)$/.exec(value);
  try {
    return decodeURIComponent(match ? match[1]! : value);
  } catch {
    return value;
  }
}
