// Host names the Mobility service already uses, from its own configuration beside ProxyInfo.conf
// (RCMInfo.conf). Key names are not documented, so host names are taken by pattern, not by key.
import path from 'node:path';
import type { Platform } from '../core/check';
import { guestPath } from './guest-paths';
import { readTextIfExists } from './read-text';
import { WINDOWS_ASR_CONFIG_DIR } from './proxy/read-proxy-settings';

const HOST = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:windowsazure\.(?:com|us|cn)|windows\.net|usgovcloudapi\.net|chinacloudapi\.cn|azure\.net|azure-automation\.us|azure\.com)\b/gi;

export interface MobilityConfigFacts {
  files: Array<{ path: string; exists: boolean }>;
  hosts: string[];
}

export async function readMobilityConfig(root: string, platform: Platform, env: NodeJS.ProcessEnv): Promise<MobilityConfigFacts> {
  const files = platform === 'windows'
    ? [path.win32.join(env.ProgramData ?? 'C:\\ProgramData', WINDOWS_ASR_CONFIG_DIR, 'RCMInfo.conf')]
    : ['/usr/local/InMage/config/RCMInfo.conf'];
  const hosts = new Set<string>();
  const seen: MobilityConfigFacts['files'] = [];
  for (const file of files) {
    const text = platform === 'windows' ? await readTextIfExists(file) : await readTextIfExists(guestPath(root, file));
    seen.push({ path: file, exists: text !== null });
    for (const match of text?.match(HOST) ?? []) hosts.add(match.toLowerCase());
  }
  return { files: seen, hosts: [...hosts] };
}
