// Run by `npm test` first: the connectivity tests go through a real proxy server, Debian's
// tinyproxy. On this project's machines (Debian, root) it is installed when missing, and said so;
// elsewhere the proxy tests are skipped with that reason, and everything else still runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TINYPROXY = '/usr/bin/tinyproxy';
const say = (m) => process.stderr.write(`ensure-test-tools: ${m}\n`);

if (!existsSync(TINYPROXY)) {
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (root && apt) {
    say('installing Debian\'s tinyproxy for the proxy tests (apt-get install tinyproxy)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'tinyproxy'], { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
    if (!install()) {
      execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
      install();
    }
    // The package's own service is not wanted: the tests start their own proxies on free ports.
    spawnSync('sh', ['-c', 'systemctl stop tinyproxy 2>/dev/null; pkill -x tinyproxy 2>/dev/null; true']);
  }
  say(existsSync(TINYPROXY) ? 'tinyproxy is ready' : 'tinyproxy is not installed (needs root and apt-get): the proxy tests will be skipped');
}
