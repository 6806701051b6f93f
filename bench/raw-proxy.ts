/**
 * The physical floor of one loopback hop, beside the bare http-proxy-middleware floor: a node:http
 * server forwarding each request through undici's keep-alive pool and streaming the answer back,
 * with no framework, routing, auth or logging. What any proxy written in Node pays per hop on this
 * machine. Prints its URL on stdout.
 *
 *   node --import tsx bench/raw-proxy.ts <target base URL>
 */
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Pool } from 'undici';

const target = process.argv[2];
if (!target) throw new Error('usage: raw-proxy.ts <target base URL>');
const pool = new Pool(new URL(target).origin, { connections: 64, keepAliveTimeout: 60_000 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'te', 'trailer']);

function endToEnd(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

const server = createServer((request, response) => {
  const declared = request.headers['content-length'];
  pool
    .stream(
      { method: request.method as 'GET', path: request.url ?? '/', headers: endToEnd(request.headers), body: declared !== undefined && declared !== '0' ? request : null },
      ({ statusCode, headers }) => {
        response.writeHead(statusCode, endToEnd(headers) as OutgoingHttpHeaders);
        return response;
      },
    )
    .catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
});
