// A real proxy server from Debian's tinyproxy package, on 127.0.0.1, started per test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './servers';

export const TINYPROXY = '/usr/bin/tinyproxy';
/** npm test installs it when it can (scripts/ensure-test-tools.mjs); proxy tests skip only without it. */
export const HAVE_TINYPROXY = existsSync(TINYPROXY);

export interface RunningProxy {
  port: number;
  url: string;
  close: () => Promise<void>;
}

export async function startTinyproxy(options: { basicAuth?: { user: string; password: string } } = {}): Promise<RunningProxy> {
  if (!existsSync(TINYPROXY)) throw new Error(`${TINYPROXY} is missing: install Debian's tinyproxy package (.ci/run does)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-proxy-'));
  const port = await freePort();
  const conf = path.join(dir, 'tinyproxy.conf');
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      'MaxClients 50',
      'LogLevel Error',
      `LogFile "${path.join(dir, 'tinyproxy.log')}"`,
      'Allow 127.0.0.1',
      ...(process.getuid?.() === 0 ? ['User nobody', 'Group nogroup'] : []),
      ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(TINYPROXY, ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, 5000, () => stderr);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs: number, stderr: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tinyproxy did not listen on 127.0.0.1:${port} within ${timeoutMs} ms: ${stderr()}`);
}
