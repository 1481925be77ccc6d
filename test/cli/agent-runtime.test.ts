// describeAgentRuntime: how the agent was started, from what the process can see of itself.
import { describe, expect, it } from 'vitest';
import { currentProcessView, describeAgentRuntime, type ProcessView } from '../../src/cli/agent-runtime';

const view = (over: Partial<ProcessView>): ProcessView => ({
  execPath: '/usr/bin/node',
  nodeVersion: 'v22.23.3',
  platform: 'linux',
  arch: 'x64',
  sea: false,
  glibcRuntime: '2.36',
  sharedObjects: [],
  env: {},
  ...over,
});
const RUNTIME = '/var/cache/asr-ready/runtime/0.1.0-0123456789abcdef';

describe('describeAgentRuntime', () => {
  it.each<[string, Partial<ProcessView>, object]>([
    [
      'the Linux download, /proc mounted: the process image is the bundled loader',
      { execPath: `${RUNTIME}/lib/ld-linux-x86-64.so.2`, sea: true, sharedObjects: [`${RUNTIME}/lib/libc.so.6`, `${RUNTIME}/lib/ld-linux-x86-64.so.2`] },
      { launcher: 'bundled-loader', libc: 'glibc 2.36' },
    ],
    [
      'the Linux download in a bare chroot: execPath falls back to argv[0], the loader is the lib/ beside it',
      { execPath: `${RUNTIME}/asr-ready`, sea: true, sharedObjects: [`${RUNTIME}/lib/ld-linux-aarch64.so.1`], arch: 'arm64' },
      { launcher: 'bundled-loader', arch: 'arm64' },
    ],
    [
      'a SEA binary started directly on a modern glibc',
      { execPath: '/opt/asr-ready/asr-ready', sea: true, sharedObjects: ['/lib64/ld-linux-x86-64.so.2'], glibcRuntime: '2.34' },
      { launcher: 'single-binary', libc: 'glibc 2.34' },
    ],
    ['node from source', { sharedObjects: ['/lib64/ld-linux-x86-64.so.2'] }, { launcher: 'node', node: '22.23.3' }],
    [
      'Windows 8 with the platform check skipped',
      { platform: 'win32', execPath: 'C:\\Program Files\\asr-ready\\asr-ready.exe', sea: true, glibcRuntime: null, env: { NODE_SKIP_PLATFORM_CHECK: '1' } },
      { launcher: 'single-binary', libc: null, platformCheckSkipped: true },
    ],
    [
      'Windows 10, where the variable is not set',
      { platform: 'win32', execPath: 'C:\\asr-ready.exe', sea: true, glibcRuntime: null },
      { platformCheckSkipped: false },
    ],
    ['the variable on Linux means nothing', { env: { NODE_SKIP_PLATFORM_CHECK: '1' } }, { platformCheckSkipped: false }],
    [
      'a loader named like the bundled one elsewhere is not the bundled loader',
      { execPath: '/opt/asr-ready/asr-ready', sea: true, sharedObjects: ['/usr/lib/ld-linux-x86-64.so.2'] },
      { launcher: 'single-binary' },
    ],
  ])('%s', (_, over, expected) => {
    expect(describeAgentRuntime(view(over))).toMatchObject(expected);
  });

  it("sees this test process as node from source, on this machine's glibc", () => {
    const runtime = describeAgentRuntime(currentProcessView());
    expect(runtime).toEqual({
      node: process.versions.node,
      arch: process.arch,
      launcher: 'node',
      libc: expect.stringMatching(/^glibc \d+\.\d+$/),
      platformCheckSkipped: false,
    });
  });
});
