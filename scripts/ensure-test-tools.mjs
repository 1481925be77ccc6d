// Run by `npm test` first: the connectivity tests go through a real proxy server, Debian's
// tinyproxy. On this project's machines (Debian, root) it is installed when missing, and said so;
// elsewhere the proxy tests are skipped with that reason, and everything else still runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';

// ASR_READY_TEST_TINYPROXY: only for test/scripts/ensure-test-tools.test.ts (a path that is missing).
const TINYPROXY = process.env.ASR_READY_TEST_TINYPROXY || '/usr/bin/tinyproxy';
const say = (m) => process.stderr.write(`ensure-test-tools: ${m}\n`);

if (!existsSync(TINYPROXY)) {
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (root && apt) {
    say("installing Debian's tinyproxy for the proxy tests (apt-get install tinyproxy)");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'tinyproxy'], { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
    if (!install()) {
      execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
      install();
    }
    // The package's own service is not wanted: the tests start their own proxies on free ports, each
    // as a child they hold and stop by its handle (test/helpers/tinyproxy.ts). Only what this install
    // started is stopped: never `pkill -x tinyproxy`, which ended every tinyproxy on the machine
    // (someone's real proxy, another test run's). In CI the machine is ours: stop the distro's unit.
    // Elsewhere: only the process in the package's pid file, and only if it runs this binary.
    if (process.env.CI) spawnSync('systemctl', ['stop', 'tinyproxy'], { stdio: 'ignore' });
    stopPackageService();
  }
  say(existsSync(TINYPROXY) ? 'tinyproxy is ready' : 'tinyproxy is not installed (needs root and apt-get): the proxy tests will be skipped');
}

/** Stops the daemon the package's init script or unit started (its pid file), if it runs TINYPROXY. */
function stopPackageService() {
  let pid;
  try {
    pid = Number(readFileSync('/run/tinyproxy/tinyproxy.pid', 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1 || readlinkSync(`/proc/${pid}/exe`) !== TINYPROXY) return;
  } catch {
    return; // no pid file, or no such process
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}
