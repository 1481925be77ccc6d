// The Windows download under Debian's wine64, and stand-ins for the Windows tools it spawns.
//
// A prefix is made once per test file (wineboot, then `winecfg -v win10`: Node refuses older
// versions). The stand-in (test/windows-standins/standin.c) is cross-compiled with MinGW-w64 once
// per source hash into a cache directory, copied under each tool's name into <prefix>/standins, and
// that directory is put first on the Windows PATH through WINEPATH, ahead of wine's own reg.exe,
// netsh.exe, sc.exe ... in C:\windows\system32. Each case gets its own directory (ASR_STANDIN_DIR)
// holding manifest.txt, the response files (the recorded bytes, unchanged) and invocations.log.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv } from './cli';
import { BUILT, download } from './downloads';
import { REPO } from './paths';

export const WINE = '/usr/lib/wine/wine64';
export const WINESERVER = '/usr/lib/wine/wineserver64';
export const MINGW_GCC = 'x86_64-w64-mingw32-gcc';
export const HAS_WINE = existsSync(WINE);
export const HAS_MINGW = spawnSync('sh', ['-c', 'command -v "$0"', MINGW_GCC]).status === 0;
/** What the stand-in harness needs: the built Windows download, wine and the MinGW-w64 compiler. */
export const CAN_RUN_STANDINS = BUILT && existsSync(download('asr-ready-win-x64.exe')) && HAS_WINE && HAS_MINGW;

const STANDIN_SOURCE = path.join(REPO, 'test', 'windows-standins', 'standin.c');
/** The tools the agent may spawn on Windows, each answered by the one stand-in. */
export const STANDIN_TOOLS = ['certutil', 'reg', 'netsh', 'w32tm', 'sc', 'typeperf', 'systeminfo', 'powershell', 'wmic', 'findstr', 'chcp'];

/** A Unix path as wine's Z: drive sees it. */
export const windowsPath = (file: string) => `Z:${file.replaceAll('/', '\\')}`;

/**
 * Compiles the stand-in once per source hash (and compiler) into ~/.cache (or ASR_READY_STANDIN_CACHE)
 * and returns the exe. The compile takes about half a second.
 */
export function buildStandin(): string {
  const source = readFileSync(STANDIN_SOURCE);
  const compiler = spawnSync(MINGW_GCC, ['-dumpfullversion'], { encoding: 'utf8' }).stdout.trim();
  const key = createHash('sha256').update(source).update(compiler).digest('hex').slice(0, 16);
  const cache = process.env.ASR_READY_STANDIN_CACHE ?? path.join(os.homedir(), '.cache', 'asr-ready-standins');
  const exe = path.join(cache, `standin-${key}.exe`);
  if (existsSync(exe)) return exe;
  mkdirSync(cache, { recursive: true });
  const partial = `${exe}.${process.pid}.tmp`;
  const result = spawnSync(MINGW_GCC, ['-O2', '-municode', '-Wall', '-Wextra', '-static', '-s', '-o', partial, STANDIN_SOURCE], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`compiling the stand-in failed (${result.status}):\n${result.stderr}`);
  renameSync(partial, exe); // atomic: a parallel test file sees the whole exe or none
  return exe;
}

/** One recorded answer: the stand-in for `program` with exactly these arguments. */
export interface StandinResponse {
  /** The tool's name as spawned, without extension: 'reg', 'certutil', 'powershell'. */
  program: string;
  args: string[];
  /** The bytes on stdout, unchanged (a recorded output in its code page). */
  stdout?: Buffer | string;
  stderr?: Buffer | string;
  exit?: number;
  /** Bytes written to the file named by this argument (1-based), as `reg export KEY FILE /y` does. */
  writesFile?: { arg: number; content: Buffer | string };
}

export interface ExeResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The stand-in invocations, in the order they started: "program|arg1|arg2". */
  invocations: string[];
}

export interface WinePrefix {
  dir: string;
  /** Runs asr-ready.exe with these stand-in answers; concurrent calls are safe. */
  runExe(args: string[], responses: StandinResponse[], extraEnv?: NodeJS.ProcessEnv): Promise<ExeResult>;
  /** Runs any Windows program (wine path or name) in the prefix, with stdout/stderr in files. */
  run(program: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }>;
  close(): void;
}

/** The manifest key the stand-in builds from its own name and arguments. */
export const invocationKey = (program: string, args: string[]) => [program.toLowerCase(), ...args].join('|');

/**
 * Makes a prefix (Windows 10), copies the download in as asr-ready.exe, and installs the stand-ins.
 * A persistent wineserver is kept for the prefix's life: without it every run pays its start-up.
 */
export function makeWinePrefix(options: { standins?: boolean } = {}): WinePrefix {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-wine-'));
  const env: NodeJS.ProcessEnv = { ...cleanEnv(), WINEPREFIX: dir, WINEDEBUG: '-all', HOME: dir };
  spawnSync(WINE, ['wineboot', '--init'], { env, stdio: 'ignore', timeout: 120_000 });
  spawnSync(WINE, ['winecfg', '-v', 'win10'], { env, stdio: 'ignore', timeout: 60_000 });
  spawnSync(WINESERVER, ['-p'], { env, stdio: 'ignore', timeout: 30_000 });
  const installed = path.join(dir, 'asr-ready');
  mkdirSync(installed);
  copyFileSync(download('asr-ready-win-x64.exe'), path.join(installed, 'asr-ready.exe'));
  const standins = path.join(dir, 'standins');
  if (options.standins !== false) {
    const exe = buildStandin();
    mkdirSync(standins);
    for (const tool of STANDIN_TOOLS) copyFileSync(exe, path.join(standins, `${tool}.exe`));
  }
  let next = 0;

  const run: WinePrefix['run'] = async (program, extraEnv = {}) => {
    const work = mkdtempSync(path.join(dir, 'run-'));
    const [out, err] = [path.join(work, 'out.txt'), path.join(work, 'err.txt')];
    // stdout and stderr go to files: wine hands pipes to the exe as EBADF.
    const status = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('sh', ['-c', '"$0" "$@" > "$OUT" 2> "$ERR"', WINE, ...program], {
        env: { ...env, ...extraEnv, OUT: out, ERR: err },
        cwd: work,
        stdio: 'ignore',
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    return { status, stdout: readFileSync(out, 'utf8').replaceAll('\r\n', '\n'), stderr: readFileSync(err, 'utf8').replaceAll('\r\n', '\n') };
  };

  const runExe: WinePrefix['runExe'] = async (args, responses, extraEnv = {}) => {
    const caseDir = path.join(dir, `case-${next++}`);
    mkdirSync(caseDir);
    const lines = responses.map((r, i) => {
      const options = [`exit=${r.exit ?? 0}`];
      if (r.stdout !== undefined) {
        writeFileSync(path.join(caseDir, `${i}.out`), r.stdout);
        options.push(`stdout=${i}.out`);
      }
      if (r.stderr !== undefined) {
        writeFileSync(path.join(caseDir, `${i}.err`), r.stderr);
        options.push(`stderr=${i}.err`);
      }
      if (r.writesFile) {
        writeFileSync(path.join(caseDir, `${i}.file`), r.writesFile.content);
        options.push(`copyto=${r.writesFile.arg}:${i}.file`);
      }
      const key = invocationKey(r.program, r.args);
      if (/[\t\r\n]/.test(key)) throw new Error(`a stand-in key cannot hold a tab or line break: ${JSON.stringify(key)}`);
      return [key, ...options].join('\t');
    });
    writeFileSync(path.join(caseDir, 'manifest.txt'), lines.join('\n') + '\n');
    const result = await run([path.join(installed, 'asr-ready.exe'), ...args], {
      ...(options.standins !== false ? { WINEPATH: windowsPath(standins) } : {}),
      ASR_STANDIN_DIR: windowsPath(caseDir),
      ...extraEnv,
    });
    const log = path.join(caseDir, 'invocations.log');
    const invocations = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    return { ...result, invocations };
  };

  return {
    dir,
    run,
    runExe,
    close() {
      spawnSync(WINESERVER, ['-k'], { env, stdio: 'ignore', timeout: 30_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
