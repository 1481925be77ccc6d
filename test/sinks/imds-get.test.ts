// The IMDS client used for metadata and managed-identity tokens: its answer is capped in bytes and
// its whole exchange in time, so a hostile or broken endpoint can neither fill memory nor drip forever.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { imdsGet } from '../../src/net/imds-get';
import { serveOnLoopback } from '../helpers/servers';

async function serve(handler: http.RequestListener) {
  const running = await serveOnLoopback(http.createServer(handler));
  return { url: `http://127.0.0.1:${running.port}/metadata/identity/oauth2/token`, close: running.close };
}

describe('imdsGet', () => {
  it('refuses an answer over 1 MiB without reading the rest', async () => {
    let written = 0;
    const s = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 100 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', pump);
      res.on('error', () => {});
      pump();
    });
    try {
      await expect(imdsGet(s.url, 5_000)).rejects.toThrow('IMDS answered more than 1 MiB; not an IMDS answer');
      expect(written).toBeLessThan(20 * 1024 * 1024);
    } finally {
      await s.close();
    }
  });

  it('ends an answer that drips a byte every 100 ms at its time bound, not at the first silence', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const started = Date.now();
      await expect(imdsGet(s.url, 800)).rejects.toThrow('no answer within 800 ms');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await s.close();
    }
  });

  it('returns the status and the parsed JSON of a normal answer', async () => {
    const s = await serve((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ metadata: req.headers.metadata })));
    try {
      expect(await imdsGet(s.url, 2_000)).toEqual({ status: 200, body: { metadata: 'true' } });
    } finally {
      await s.close();
    }
  });
});
