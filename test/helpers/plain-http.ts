// A plain HTTP server on 127.0.0.1 for the port-80 certificate-validation endpoints.
import http from 'node:http';
import { serveOnLoopback, type RunningServer } from './servers';

export async function startHttpServer(): Promise<RunningServer> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  });
  return { ...(await serveOnLoopback(server)), hits: () => hits };
}
