// Finds the proxy the way the Mobility service does and reports every source it looked at:
// --no-proxy/--proxy, then ProxyInfo.conf, then (Linux) /etc/environment, /etc/profile and this
// process's environment; (Windows) LocalSystem's WinINET settings, the environment, and WinHTTP, both
// from the registry (the same in every display language; netsh's wording is localised).
import { programDataPath } from '../../core/program-data';
import type { Platform } from '../../core/check';
import { describeError } from '../../core/errors';
import { GuestFs } from '../guest-fs';
import { parseProxyInfoConf, type ProxyInfoConf } from './proxy-info-conf';
import { parseProxyValue, type ParsedProxy } from './proxy-url';
import { parseProxyAssignments, PROXY_ADDRESS_VARIABLES, PROXY_VARIABLES, type ProxyVariable } from './shell-env-files';
import { splitBypassList } from './bypass';
import { redactUrl } from '../../core/redact';
import {
  parseWinHttpSettingsBlob,
  parseWinInetSettings,
  proxyForHttps,
  WINHTTP_SETTINGS_KEY,
  WINHTTP_SETTINGS_VALUE,
  winHttpSettingsFromRegQuery,
} from '../windows/proxy-settings-parsers';
import { parseRegQuery } from '../windows/reg-query';
import { consoleCodePage, decodeConsoleBytes, firstBytes, runConsole, type RunConsole } from '../windows/console-text';

export const LINUX_PROXY_INFO_CONF = '/usr/local/InMage/config/ProxyInfo.conf';
export const WINDOWS_ASR_CONFIG_DIR = 'Microsoft Azure Site Recovery\\Config';
const LOCAL_SYSTEM_INTERNET_SETTINGS = 'HKU\\S-1-5-18\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';

export interface ProxyCandidate {
  source: string;
  /** As configured, credentials replaced by ***. */
  value: string;
  bypass: string[];
  problem: string | null;
}

export interface ProxySettings {
  effective: (ParsedProxy & { source: string }) | null;
  /** Where "no proxy" came from when effective is null. */
  directBecause: string;
  bypass: string[];
  bypassSource: string | null;
  candidates: ProxyCandidate[];
  proxyInfoConf: { path: string; exists: boolean; parsed: ProxyInfoConf | null };
  problems: string[];
  notes: string[];
  /** Sources that could not be read or were not understood (Windows registry values), each named with what it printed: the verdict is an error, not "direct". */
  unreadable?: string[];
}

export interface ProxyOptions {
  root: string;
  platform: Platform;
  env: NodeJS.ProcessEnv;
  cliProxy: string | null;
  cliNoProxy: boolean;
  signal?: AbortSignal;
  /** Runs the Windows console programs (tests replace it); the real one by default. */
  runWindows?: RunConsole;
}

export async function readProxySettings(options: ProxyOptions): Promise<ProxySettings> {
  const candidates: ProxyCandidate[] = [];
  const notes: string[] = [];
  const problems: string[] = [];

  const confPath = options.platform === 'windows' ? programDataPath(options.env, WINDOWS_ASR_CONFIG_DIR, 'ProxyInfo.conf') : LINUX_PROXY_INFO_CONF;
  const confRead = await guestFsOf(options).readText(confPath, undefined, options.signal);
  // An unreadable ProxyInfo.conf (a FIFO, a directory, no permission) defeats the Mobility service too; a cut one is only partly judged.
  if (confRead.note) (confRead.text === null ? problems : notes).push(confRead.note);
  const confText = confRead.text;
  const conf = confText === null ? null : parseProxyInfoConf(confText);
  if (conf) {
    problems.push(...conf.problems.map((p) => `${confPath} ${p}`));
    notes.push(...conf.notes.map((n) => `${confPath}: ${n}`));
    candidates.push({ source: confPath, value: conf.proxy?.shown ?? conf.address ?? '', bypass: conf.bypassList, problem: conf.problems[0] ?? null });
  }

  const unreadable: string[] = [];
  const envSources =
    options.platform === 'windows' ? await windowsSources(options, notes, unreadable, options.runWindows ?? runConsole) : await linuxSources(options, notes);
  candidates.push(...envSources);

  const chosen = chooseProxy(options, conf, confPath, candidates);
  if (chosen.effective?.hadCredentials) {
    notes.push(
      `The proxy setting from ${chosen.effective.source} carries credentials; they were not used. Azure Site Recovery supports only unauthenticated proxies, so the probes go as the Mobility service would.`,
    );
  }
  return {
    ...chosen,
    candidates,
    proxyInfoConf: { path: confPath, exists: conf !== null, parsed: conf },
    problems,
    notes,
    ...(unreadable.length ? { unreadable } : {}),
  };
}

function chooseProxy(
  options: ProxyOptions,
  conf: ProxyInfoConf | null,
  confPath: string,
  candidates: ProxyCandidate[],
): Pick<ProxySettings, 'effective' | 'directBecause' | 'bypass' | 'bypassSource'> {
  if (options.cliNoProxy) return { effective: null, directBecause: '--no-proxy', bypass: [], bypassSource: null };
  if (options.cliProxy !== null) {
    const parsed = parseProxyValue(options.cliProxy);
    if ('problem' in parsed) throw new Error(`--proxy ${parsed.problem}`); // validated by the CLI first
    const noProxy = options.env.no_proxy ?? options.env.NO_PROXY ?? '';
    return {
      effective: { ...parsed, source: '--proxy' },
      directBecause: '',
      bypass: splitBypassList(noProxy),
      bypassSource: noProxy ? 'NO_PROXY (environment)' : null,
    };
  }
  if (conf) {
    // A ProxyInfo.conf overrides everything for the Mobility service, even when it is broken.
    if (!conf.proxy || conf.problems.some((p) => !p.startsWith('Address carries credentials'))) {
      return { effective: null, directBecause: `${confPath} is invalid (see network.proxy)`, bypass: [], bypassSource: null };
    }
    return {
      effective: { ...conf.proxy, source: confPath },
      directBecause: '',
      bypass: conf.bypassList,
      bypassSource: conf.bypassList.length ? `${confPath} BypassList` : null,
    };
  }
  for (const c of candidates) {
    if (!c.value || c.problem) continue;
    // c.value is already redacted: the password is gone, and "user:***@" still tells that there was one.
    const parsed = parseProxyValue(c.value);
    if ('problem' in parsed) continue;
    return {
      effective: { ...parsed, source: c.source },
      directBecause: '',
      bypass: c.bypass,
      bypassSource: c.bypass.length ? `${c.source} (bypass list)` : null,
    };
  }
  // "No proxy is configured" would be false when one is, but unusable (socks5://, no host): name it.
  const unusable = candidates.find((c) => c.problem);
  const directBecause = unusable ? `no usable proxy: ${unusable.source}: ${unusable.problem}` : 'no proxy is configured';
  return { effective: null, directBecause, bypass: [], bypassSource: null };
}

/** /etc/environment, /etc/profile, then this process's environment; each as one candidate. */
async function linuxSources(options: ProxyOptions, notes: string[]): Promise<ProxyCandidate[]> {
  const out: ProxyCandidate[] = [];
  for (const file of ['/etc/environment', '/etc/profile']) {
    const { text, note } = await guestFsOf(options).readText(file, undefined, options.signal);
    if (note) notes.push(`${note} (a proxy set there may have been missed)`);
    if (text === null) continue;
    const candidate = candidateFrom(file, parseProxyAssignments(text));
    if (candidate) out.push(candidate);
  }
  const fromEnv = candidateFrom('environment of this process', pickProxyVariables(options.env));
  if (fromEnv) out.push(fromEnv);
  return out;
}

/** The commands the Windows proxy reader spawns (besides chcp): program and arguments. */
export const WINDOWS_PROXY_COMMANDS = {
  wininet: { file: 'reg', args: ['query', LOCAL_SYSTEM_INTERNET_SETTINGS] },
  winhttp: { file: 'reg', args: ['query', WINHTTP_SETTINGS_KEY, '/v', WINHTTP_SETTINGS_VALUE] },
} as const;

async function windowsSources(options: ProxyOptions, notes: string[], unreadable: string[], run: RunConsole): Promise<ProxyCandidate[]> {
  const out: ProxyCandidate[] = [];
  const codePage = await consoleCodePage(run, options.signal);
  const exec = async ({ file, args }: { file: string; args: readonly string[] }) => {
    const { stdout, code } = await run(file, args, { timeoutMs: 10_000, maxBuffer: 1024 * 1024, signal: options.signal });
    return { text: decodeConsoleBytes(stdout, codePage), code };
  };
  const [wininetRead, winhttpRead] = await Promise.all([
    exec(WINDOWS_PROXY_COMMANDS.wininet).catch((err: unknown) => ({ error: describeError(err) })),
    exec(WINDOWS_PROXY_COMMANDS.winhttp).catch((err: unknown) => ({ error: describeError(err) })),
  ]);
  const wininetSource = `reg query ${LOCAL_SYSTEM_INTERNET_SETTINGS}`;
  if ('error' in wininetRead) unreadable.push(`could not read LocalSystem's Internet settings (${wininetSource}): ${wininetRead.error}`);
  else if (wininetRead.code === 0 && !understoodRegOutput(wininetRead.text)) {
    unreadable.push(`${wininetSource} printed nothing this reader understands: ${firstBytes(wininetRead.text)}`);
  } else if (wininetRead.code === 0) {
    const wininet = parseWinInetSettings(wininetRead.text);
    if (wininet.autoConfigUrl)
      notes.push(
        `LocalSystem's Internet settings use a PAC file (${wininet.autoConfigUrl}); asr-ready does not evaluate PAC scripts, so the proxy it chooses cannot be confirmed.`,
      );
    if (wininet.enabled && wininet.server) {
      out.push({
        source: 'WinINET settings of LocalSystem (HKU\\S-1-5-18)',
        value: proxyForHttps(wininet.server) ?? wininet.server,
        bypass: wininet.override,
        problem: null,
      });
    }
  } else if (wininetRead.code !== 1) {
    // reg exits 1 when the key does not exist: LocalSystem has no Internet settings, so no proxy there.
    unreadable.push(`${wininetSource} exited with ${wininetRead.code}: ${firstBytes(wininetRead.text)}`);
  }
  const fromEnv = candidateFrom('environment of this process', pickProxyVariables(options.env));
  if (fromEnv) out.push(fromEnv);
  const winhttpSource = `reg query ${WINHTTP_SETTINGS_KEY} /v ${WINHTTP_SETTINGS_VALUE}`;
  if ('error' in winhttpRead) unreadable.push(`could not read the WinHTTP proxy (${winhttpSource}): ${winhttpRead.error}`);
  else if (winhttpRead.code === 1) notes.push(`WinHTTP has no proxy setting (${winhttpSource}: no such value), which is direct access, its default.`);
  else if (winhttpRead.code !== 0) unreadable.push(`${winhttpSource} exited with ${winhttpRead.code}: ${firstBytes(winhttpRead.text)}`);
  else {
    const bytes = winHttpSettingsFromRegQuery(winhttpRead.text);
    const winhttp = 'problem' in bytes ? bytes : parseWinHttpSettingsBlob(bytes);
    if ('problem' in winhttp)
      unreadable.push(`the WinHTTP proxy (${winhttpSource}) was not understood: ${winhttp.problem}; it printed ${firstBytes(winhttpRead.text)}`);
    else {
      if (winhttp.autoConfigUrl) notes.push(`WinHTTP is set to use a PAC file (${winhttp.autoConfigUrl}); asr-ready does not evaluate PAC scripts.`);
      if (!winhttp.direct && winhttp.server) {
        out.push({
          source: 'WinHTTP (WinHttpSettings in the registry)',
          value: proxyForHttps(winhttp.server) ?? winhttp.server,
          bypass: winhttp.bypass,
          problem: null,
        });
      }
    }
  }
  return out;
}

/** reg query output is key lines (HKEY_…), value lines and blanks; anything else, with no value at all, was not understood. */
function understoodRegOutput(text: string): boolean {
  if (parseRegQuery(text).length > 0) return true;
  return text.split(/\r?\n/).every((l) => l.trim() === '' || l.startsWith('HKEY_'));
}

function pickProxyVariables(env: NodeJS.ProcessEnv): Partial<Record<ProxyVariable, string>> {
  const out: Partial<Record<ProxyVariable, string>> = {};
  for (const name of PROXY_VARIABLES) {
    if (env[name]) out[name] = env[name];
  }
  return out;
}

function candidateFrom(source: string, vars: Partial<Record<ProxyVariable, string>>): ProxyCandidate | null {
  const name = PROXY_ADDRESS_VARIABLES.find((n) => vars[n]);
  if (!name) return null;
  const parsed = parseProxyValue(vars[name]!);
  const noProxy = vars.no_proxy ?? vars.NO_PROXY ?? '';
  return {
    source: `${source} (${name})`,
    value: 'problem' in parsed ? redactUrl(vars[name]!) : parsed.shown,
    bypass: splitBypassList(noProxy),
    problem: 'problem' in parsed ? `${name} ${parsed.problem}` : null,
  };
}

/** Windows paths are the live machine's; Linux ones are read under --root. */
function guestFsOf(options: ProxyOptions): GuestFs {
  return options.platform === 'windows' ? GuestFs.live() : new GuestFs(options.root);
}
