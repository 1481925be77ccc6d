// What the agent itself runs on, for the report's agent block: a fleet query can then tell the
// Linux download started through its bundled C runtime from a plain single binary or `node`, and
// the Windows 8 / Server 2012 runs that needed Node's platform check skipped.
import path from 'node:path';
import { isSea } from 'node:sea';
import type { AgentRuntime } from '../report/report';

export interface ProcessView {
  execPath: string;
  nodeVersion: string;
  platform: NodeJS.Platform;
  arch: string;
  sea: boolean;
  glibcRuntime: string | null;
  /** Paths of the loaded shared objects (process.report), the dynamic loader among them. */
  sharedObjects: string[];
  env: NodeJS.ProcessEnv;
}

const isLoader = (file: string) => /^ld-linux[\w.-]*\.so/.test(path.posix.basename(file));

export function describeAgentRuntime(p: ProcessView): AgentRuntime {
  // Started as `<dir>/lib/ld-linux-*.so* --library-path <dir>/lib <dir>/asr-ready`: the process
  // image (/proc/self/exe) is the loader; without /proc (a bare chroot) Node falls back to
  // argv[0], and the loader in use is the one in the lib/ beside it.
  const bundledLoader = path.posix.join(path.posix.dirname(p.execPath), 'lib');
  const viaLoader = p.platform === 'linux' && (isLoader(p.execPath) || p.sharedObjects.some((so) => isLoader(so) && path.posix.dirname(so) === bundledLoader));
  return {
    node: p.nodeVersion.replace(/^v/, ''),
    arch: p.arch,
    launcher: viaLoader ? 'bundled-loader' : p.sea ? 'single-binary' : 'node',
    libc: p.glibcRuntime ? `glibc ${p.glibcRuntime}` : null,
    platformCheckSkipped: p.platform === 'win32' && p.env.NODE_SKIP_PLATFORM_CHECK === '1',
  };
}

/** The running process, as describeAgentRuntime sees it. */
export function currentProcessView(): ProcessView {
  let glibcRuntime: string | null = null;
  let sharedObjects: string[] = [];
  if (process.platform === 'linux') {
    // No socket enumeration: the header and the shared objects are all we need (Node 20.13+).
    (process.report as { excludeNetwork?: boolean }).excludeNetwork = true;
    const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string }; sharedObjects?: string[] };
    glibcRuntime = report.header?.glibcVersionRuntime ?? null;
    sharedObjects = report.sharedObjects ?? [];
  }
  return {
    execPath: process.execPath,
    nodeVersion: process.version,
    platform: process.platform,
    arch: process.arch,
    sea: isSea(),
    glibcRuntime,
    sharedObjects,
    env: process.env,
  };
}
