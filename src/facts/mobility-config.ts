// Host names the Mobility service already uses, from its own configuration beside ProxyInfo.conf
// (RCMInfo.conf). Key names are not documented, so host names are taken by pattern, not by key.
import type { Platform } from '../core/check';
import { programDataPath } from '../core/program-data';
import { GuestFs } from './guest-fs';
import { WINDOWS_ASR_CONFIG_DIR } from './proxy/read-proxy-settings';

/** The Azure DNS suffixes a Mobility service host name ends in. */
const AZURE_SUFFIXES = [
  'windowsazure.com',
  'windowsazure.us',
  'windowsazure.cn',
  'windows.net',
  'usgovcloudapi.net',
  'chinacloudapi.cn',
  'azure.net',
  'azure-automation.us',
  'azure.com',
].map((s) => s.split('.'));
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Runs of host-name characters (and "_", which ends a name as the old word boundary did). */
const TOKEN = /[a-z0-9_.-]+/g;

/**
 * Host names under an Azure suffix, lower-cased, in order of appearance. A name is the longest run
 * of DNS labels that ends in a suffix, in one pass over the labels: a regex of repeated labels
 * before the suffix retried from every label of a long "a.a.a.…" run without one, quadratically.
 */
export function parseMobilityHosts(text: string): string[] {
  const hosts: string[] = [];
  for (const [token] of text.toLowerCase().matchAll(TOKEN)) {
    const labels = token.split('.');
    let start = 0;
    for (let i = 0; i <= labels.length; i++) {
      if (i < labels.length && LABEL.test(labels[i]!)) continue;
      // labels[start..i) is a maximal run of valid labels: take it up to its last Azure suffix.
      for (let end = i; end - start >= 2; end--) {
        const suffix = AZURE_SUFFIXES.find((sfx) => end - start > sfx.length && sfx.every((part, k) => labels[end - sfx.length + k] === part));
        if (suffix) {
          hosts.push(labels.slice(start, end).join('.'));
          break;
        }
      }
      start = i + 1;
    }
  }
  return hosts;
}

export interface MobilityConfigFacts {
  /** note: why the file was cut at the cap or not read (a FIFO, a directory, ...). */
  files: Array<{ path: string; exists: boolean; note?: string }>;
  hosts: string[];
}

export async function readMobilityConfig(root: string, platform: Platform, env: NodeJS.ProcessEnv): Promise<MobilityConfigFacts> {
  const files = platform === 'windows' ? [programDataPath(env, WINDOWS_ASR_CONFIG_DIR, 'RCMInfo.conf')] : ['/usr/local/InMage/config/RCMInfo.conf'];
  const fs = platform === 'windows' ? GuestFs.live() : new GuestFs(root);
  const hosts = new Set<string>();
  const seen: MobilityConfigFacts['files'] = [];
  for (const file of files) {
    const { text, note } = await fs.readText(file);
    seen.push({ path: file, exists: text !== null, ...(note ? { note } : {}) });
    for (const host of text === null ? [] : parseMobilityHosts(text)) hosts.add(host);
  }
  return { files: seen, hosts: [...hosts] };
}
