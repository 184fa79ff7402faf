/**
 * Read-only static files (the web client) from one directory: no path leaves it (`..`,
 * hidden files and symlinks pointing outside are not found), files above a size cap are
 * not served, and a path without a file extension that names no file gets index.html
 * (the web client routes in the browser).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export interface StaticSite {
  readonly root: string;
  /** Answers GET or HEAD for `pathname` (the URL path, still percent-encoded). */
  serve(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void>;
}

export class StaticSiteError extends Error {
  override readonly name = 'StaticSiteError';
}

/** Throws StaticSiteError when `dir` is not a readable directory. */
export async function openStaticSite(dir: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES): Promise<StaticSite> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new StaticSiteError(`web directory ${dir} cannot be served (${(err as Error).message}): build the web client (npm run build -w web) or pass --web <dir>`);
  }

  /** The real path of a regular file inside root, or undefined. */
  async function fileAt(path: string): Promise<{ file: string; size: number } | undefined> {
    try {
      let file = await realpath(path);
      let info = await stat(file);
      if (info.isDirectory()) {
        file = await realpath(join(file, 'index.html'));
        info = await stat(file);
      }
      if (!info.isFile() || (file !== root && !file.startsWith(root + sep))) return undefined;
      return { file, size: info.size };
    } catch {
      return undefined;
    }
  }

  return {
    root,
    async serve(request, response, pathname) {
      const segments = decodedSegments(pathname);
      if (segments === undefined) return plain(response, 400, 'the path is not valid percent-encoded UTF-8');
      // `..`, hidden files and backslashes (a separator on some systems) name nothing here.
      if (segments.some((s) => s.startsWith('.') || s.includes('\\'))) return plain(response, 404, `${pathname} not found`);
      const found = await fileAt(join(root, ...segments))
        ?? (extname(segments.at(-1) ?? '') === '' ? await fileAt(join(root, 'index.html')) : undefined);
      if (found === undefined) return plain(response, 404, `${pathname} not found`);
      if (found.size > maxFileBytes) return plain(response, 403, `${pathname} is larger than the ${maxFileBytes} bytes this server sends`);
      const isIndex = found.file.endsWith(`${sep}index.html`);
      response.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': found.size,
        'cache-control': isIndex ? 'no-cache' : 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
      if (request.method === 'HEAD') {
        response.end();
        return;
      }
      await new Promise<void>((resolve) => {
        const stream = createReadStream(found.file, { start: 0, end: Math.max(0, found.size - 1) });
        stream.on('error', (err) => response.destroy(err));
        response.on('close', () => { stream.destroy(); resolve(); });
        stream.pipe(response);
      });
    },
  };
}

/** Path segments without empty ones; undefined when a segment is not valid percent-encoding or holds NUL. */
function decodedSegments(pathname: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment.includes('\0') || segment.includes('/')) return undefined;
    segments.push(segment);
  }
  return segments;
}

function plain(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  response.end(`${message}\n`);
}
