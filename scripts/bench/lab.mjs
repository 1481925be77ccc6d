// The benchmark's loopback lab, run as its own process so its CPU is not the measured program's:
// an HTTPS server, a plain HTTP server and a silent TCP server, each answering `delayMs` after the
// request, served by one worker process per CPU (node:cluster, shared listening sockets) so TLS
// handshakes are not serialised behind one event loop; and, when asked, a DNS server on UDP that
// answers every A query with 127.0.0.1 (AAAA: no address) after `dnsDelayMs`.
// Listens on 127.0.0.1 only. Config: JSON in argv[2]. Prints {"tls":P,"http":P,"silent":P,"dns":P}.
import cluster from 'node:cluster';
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import { setTimeout } from 'node:timers';

const config = JSON.parse(cluster.isPrimary ? process.argv[2] : process.env.BENCH_LAB_CONFIG);
const HOST = '127.0.0.1';

function answer(req, res) {
  setTimeout(() => {
    res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' });
    res.end('asr-ready bench lab\n');
  }, config.delayMs);
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(server.address().port));
  });
}

if (cluster.isPrimary) {
  const workers = config.workers ?? os.availableParallelism();
  // Fixed ports (config) or free ones picked here, so every worker listens on the same ones.
  const free = async () => {
    const s = net.createServer();
    const port = await listen(s, 0);
    await new Promise((r) => s.close(r));
    return port;
  };
  const ports = { tls: config.tlsPort ?? (await free()), http: config.httpPort ?? (await free()), silent: config.silentPort ?? (await free()) };
  process.env.BENCH_LAB_CONFIG = JSON.stringify({ ...config, ...ports });
  let ready = 0;
  const allReady = new Promise((resolve) => {
    for (let i = 0; i < workers; i++) {
      cluster.fork({ BENCH_LAB_CONFIG: JSON.stringify({ ...config, ...ports }) }).on('message', (m) => {
        if (m === 'listening' && ++ready === workers) resolve();
      });
    }
  });
  let dns = null;
  if (config.dnsPort !== undefined) dns = await startDns(config.dnsPort, config.dnsDelayMs ?? 0);
  await allReady;
  process.stdout.write(`${JSON.stringify({ ...ports, dns })}\n`);
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop).resume(); // the bench closes stdin (or dies): the lab goes too
} else {
  const tlsServer = https.createServer({ key: config.keyPem, cert: config.certPem }, answer);
  const httpServer = http.createServer(answer);
  const silent = net.createServer((s) => s.on('error', () => {}));
  for (const s of [tlsServer, httpServer]) {
    s.keepAliveTimeout = 1;
    s.on('clientError', (_e, socket) => socket.destroy());
    s.on('tlsClientError', () => {});
  }
  await Promise.all([listen(tlsServer, config.tls), listen(httpServer, config.http), listen(silent, config.silent)]);
  process.send('listening');
}

/** A DNS server for A/AAAA queries: every name is 127.0.0.1, after `delayMs`. */
async function startDns(port, delayMs) {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, peer) => {
    setTimeout(() => socket.send(dnsAnswer(query), peer.port, peer.address), delayMs);
  });
  await new Promise((resolve) => socket.bind(port, HOST, resolve));
  return socket.address().port;
}

function dnsAnswer(query) {
  // Header (12 bytes), then the question: labels up to a zero byte, QTYPE, QCLASS.
  let end = 12;
  while (query[end] !== 0) end += query[end] + 1;
  const qtype = query.readUInt16BE(end + 1);
  const question = query.subarray(12, end + 5);
  const isA = qtype === 1;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0100), 2); // response, RD copied, RA, NOERROR
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(isA ? 1 : 0, 6); // ANCOUNT
  const parts = [header, question];
  if (isA) {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
    rr.writeUInt16BE(1, 2); // A
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6); // TTL
    rr.writeUInt16BE(4, 10);
    Buffer.from([127, 0, 0, 1]).copy(rr, 12);
    parts.push(rr);
  }
  return Buffer.concat(parts);
}
