import { readFile, readdir } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { webDir, webFile } from '../web.js';

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface WebRoutesOptions {
  /** Where `/` leads: the sandbox viewer in sandbox mode, else the API's docs. */
  home: '/sandbox' | '/docs';
}

/**
 * The scripts and styles of the link page and the sandbox viewer, under `/web/`, and `/`. The link
 * page needs a session's own address, so `/` sends a person to the one page that stands alone.
 */
export const webRoutes: FastifyPluginAsync<WebRoutesOptions> = async (app, { home }) => {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(home, 302));
  for (const name of await readdir(webDir())) {
    const type = types[extname(name)];
    if (!type) continue;
    const body = await readFile(webFile(name));
    app.get(`/web/${name}`, { schema: { hide: true } }, async (_request, reply) => reply.type(type).header('cache-control', 'no-cache').send(body));
  }
};
