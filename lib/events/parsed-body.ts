/** A Buffer over the same bytes (no copy): bodies that crossed a thread arrive as plain Uint8Arrays. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The parsed form of a stored event's body. A JSON body is stored once, as its raw bytes (which are valid JSON:
 * ingest refuses a body that claims JSON and does not parse); other kinds keep their parsed form in body_parsed.
 */
export function parsedBody(row: {
  bodyKind: string | null;
  bodyParsed: unknown;
  bodyRaw: Uint8Array | null;
}): unknown {
  if (row.bodyParsed !== null && row.bodyParsed !== undefined) return row.bodyParsed;
  if (row.bodyKind === 'json' && row.bodyRaw) {
    return JSON.parse(asBuffer(row.bodyRaw).toString('utf8'));
  }
  return null;
}

/** SQL for the same, as text (FTS indexing reads many rows without parsing them). */
export const PARSED_BODY_SQL = `coalesce(body_parsed, case when body_kind = 'json' then cast(body_raw as text) end)`;
