import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');
export const CLI_BUNDLE = path.join(REPO, 'dist', 'asr-ready.cjs');
export const DEBIAN_BUNDLE = path.join(FIXTURES, 'linux', 'trust', 'debian-12-ca-certificates.crt');
export const fixture = (...parts: string[]) => path.join(FIXTURES, ...parts);
