import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setPublicCorsHeaders } from './cors.ts';

/**
 * A public JSON document that only changes with the keys (discovery, JWKS), served from bytes serialised once per
 * version instead of per request: `JSON.stringify`, the UTF-8 encoding and the ETag hash run when `version()` returns
 * a different object (a key reload swaps the Keystore), not on every GET. The ETag is strong (same bytes, same tag) and
 * a matching `If-None-Match` answers 304 without a body (RFC 9110 §13.1.2), as Express's per-response ETag did.
 */
export interface CachedDocumentOptions {
  /** Identity of the current version; the document is rebuilt when it changes (compared with `===`). */
  version: () => unknown;
  /** Builds the document of the current version. */
  build: () => unknown;
  /** Media type, sent with `; charset=utf-8`. */
  type: string;
  /** `Cache-Control` of the document. */
  cacheControl: string;
}

interface Representation {
  version: unknown;
  body: Buffer;
  etag: string;
}

/** The representation of a document's current version (exported for tests of the cache). */
export function documentCache(options: Pick<CachedDocumentOptions, 'version' | 'build'>): () => Representation {
  let current: Representation | undefined;
  return () => {
    const version = options.version();
    if (current !== undefined && current.version === version) return current;
    const body = Buffer.from(JSON.stringify(options.build()), 'utf8');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    current = { version, body, etag };
    return current;
  };
}

/** True when `If-None-Match` lists this ETag or `*` (weak comparison, RFC 9110 §13.1.2). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  for (const candidate of ifNoneMatch.split(',')) {
    const tag = candidate.trim();
    if (tag === '*' || tag === etag || tag === `W/${etag}`) return true;
  }
  return false;
}

/** Serves GET and HEAD of a document on Node's own request and response (no Express API used). */
export type DocumentHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The handler of a public document (GET and HEAD; HEAD gets the headers without the body), readable from any origin:
 * a cross-origin request gets the CORS headers of `publicCors`. It uses only Node's request and response, so the same
 * function answers behind the Express route and in the lean front (`lean-front.ts`), and the two cannot differ.
 */
export function cachedDocument(options: CachedDocumentOptions): DocumentHandler {
  const representation = documentCache(options);
  const contentType = `${options.type}; charset=utf-8`;
  return (req, res) => {
    setPublicCorsHeaders(req, res);
    const { body, etag } = representation();
    if (etagMatches(req.headers['if-none-match'], etag)) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': options.cacheControl }).end();
      return;
    }
    res
      .writeHead(200, {
        'Content-Type': contentType,
        'Content-Length': body.length,
        ETag: etag,
        'Cache-Control': options.cacheControl,
      })
      .end(body);
  };
}
