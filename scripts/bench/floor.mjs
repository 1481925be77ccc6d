// The floor: the least a prober must do to reach every endpoint through the same lab. One shared
// TLS context (the same roots the agent gets), every connection at once, one GET each, done at the
// status line. Config: JSON in argv[2] {targets:[{host,scheme}], tlsPort, httpPort, caFile}.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const context = tls.createSecureContext({ ca: readFileSync(config.caFile, 'utf8'), minVersion: 'TLSv1.2' });
let ok = 0;
await Promise.all(
  config.targets.map(
    (t) =>
      new Promise((resolve) => {
        const onSocket = (socket) => {
          socket.on('error', () => resolve());
          socket.write(`GET / HTTP/1.1\r\nhost: ${t.host}\r\nconnection: close\r\n\r\n`);
          socket.once('data', (d) => {
            if (d.toString('latin1').startsWith('HTTP/1.1 ')) ok++;
            socket.destroy();
            resolve();
          });
        };
        if (t.scheme === 'https') {
          const s = tls.connect({ host: '127.0.0.1', port: config.tlsPort, servername: t.host, secureContext: context, ALPNProtocols: ['http/1.1'] }, () => {
            if (!s.authorized) s.destroy();
            else onSocket(s);
          });
          s.on('error', () => resolve());
        } else {
          const s = net.connect({ host: '127.0.0.1', port: config.httpPort }, () => onSocket(s));
          s.on('error', () => resolve());
        }
      }),
  ),
);
process.stdout.write(`${ok}\n`);
