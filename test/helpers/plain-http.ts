// A plain HTTP server on 127.0.0.1 for the port-80 certificate-validation endpoints.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RunningServer } from './servers';

export async function startHttpServer(): Promise<RunningServer> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits: () => hits,
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}
