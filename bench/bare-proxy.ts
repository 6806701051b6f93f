/**
 * The one-hop floor of the vendor-path bench: a bare express app whose only middleware is
 * http-proxy-middleware to the vendor fake, with a keep-alive agent, and nothing else (no auth,
 * no body handling, no logging). Prints its URL on stdout.
 *
 *   node --import tsx bench/bare-proxy.ts <target base URL>
 */
import { Agent } from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

const target = process.argv[2];
if (!target) throw new Error('usage: bare-proxy.ts <target base URL>');
const app = express();
app.use(createProxyMiddleware({ target, changeOrigin: true, agent: new Agent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 30_000 }) }));
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
});
