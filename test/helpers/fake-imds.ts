// A strict fake of the Azure Instance Metadata Service on 127.0.0.1. It enforces the real contract:
// the Metadata: true header, an api-version, and no proxy (X-Forwarded-For is refused), and it
// can answer 429 a number of times or never answer at all.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fixture } from './paths';
import { serveOnLoopback } from './servers';

export interface FakeImds {
  url: string;
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders }>;
  close: () => Promise<void>;
}

export async function startFakeImds(options: { throttleFirst?: number; hang?: boolean; document?: string; identityClientId?: string } = {}): Promise<FakeImds> {
  const body = options.document ?? readFileSync(fixture('linux', 'imds', 'instance-msdocs-linux-sample.json'), 'utf8');
  const versionError = readFileSync(fixture('linux', 'imds', 'error-400-api-version-missing.json'), 'utf8');
  const requests: FakeImds['requests'] = [];
  let throttled = 0;
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    if (options.hang) return; // never answer
    const url = new URL(req.url ?? '/', 'http://imds');
    const send = (status: number, json: string) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(json);
    if (req.headers.metadata !== 'true') return send(400, '{"error":"Bad request. Required metadata header not specified"}');
    if (req.headers['x-forwarded-for']) return send(400, '{"error":"Bad request. Request must not contain X-Forwarded-For header"}');
    if (!url.searchParams.get('api-version')) return send(400, versionError);
    if (url.pathname === '/metadata/identity/oauth2/token') {
      const resource = url.searchParams.get('resource');
      if (!resource) return send(400, '{"error":"invalid_request","error_description":"Required query variable resource is missing"}');
      if (options.identityClientId !== undefined && url.searchParams.get('client_id') !== options.identityClientId) {
        return send(400, '{"error":"invalid_request","error_description":"Identity not found"}');
      }
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const token = `${b64({ alg: 'none' })}.${b64({ aud: resource, exp })}.sig`;
      return send(200, JSON.stringify({ access_token: token, expires_in: '3599', expires_on: String(exp), resource, token_type: 'Bearer' }));
    }
    if (url.pathname !== '/metadata/instance') return send(404, '{"error":"Not found"}');
    if (throttled < (options.throttleFirst ?? 0)) {
      throttled++;
      return send(429, '{"error":"Too many requests"}');
    }
    send(200, body);
  });
  const { port, close } = await serveOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, requests, close };
}
