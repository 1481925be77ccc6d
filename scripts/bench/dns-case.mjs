// Runs inside `unshare -m -n` (a private network and mount namespace, started by benchmark.mjs):
// brings up loopback, points /etc/resolv.conf (bind-mounted, this namespace only) at the lab's DNS
// server on 127.0.0.1:53, starts the lab on 127.0.0.1:443/:80/:53, and runs the agent with no
// --connect-to, so every name goes through getaddrinfo to the slow server, as on a guest.
// Nothing here can reach beyond this namespace's loopback. Prints the agent's JSON report.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
execFileSync('ip', ['link', 'set', 'lo', 'up']);
const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-dns-'));
const resolv = path.join(dir, 'resolv.conf');
writeFileSync(resolv, 'nameserver 127.0.0.1\noptions timeout:5 attempts:1\n');
execFileSync('mount', ['--bind', resolv, '/etc/resolv.conf']);
// /etc/hosts could answer first: give the namespace one that names nothing the agent probes.
const hosts = path.join(dir, 'hosts');
writeFileSync(hosts, '127.0.0.1 localhost\n::1 localhost\n');
execFileSync('mount', ['--bind', hosts, '/etc/hosts']);

const lab = spawn(process.execPath, [config.labScript, JSON.stringify(config.lab)], { stdio: ['pipe', 'pipe', 'inherit'] });
const ports = await new Promise((resolve) => lab.stdout.once('data', (d) => resolve(JSON.parse(d.toString()))));
if (ports.dns !== 53) throw new Error(`the lab's DNS server is on ${ports.dns}, not 53`);
const agent = spawn(config.node, config.args, { env: config.env, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
agent.stdout.setEncoding('utf8').on('data', (d) => (out += d));
await new Promise((resolve) => agent.on('close', resolve));
lab.stdin.end();
lab.kill();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(out);
process.exit(0);
