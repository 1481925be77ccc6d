import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');
export const CLI_BUNDLE = path.join(REPO, 'dist', 'asr-ready.cjs');
/** The app bundle the entry loads beside itself (src/cli/load-app.ts). */
export const CLI_APP_BUNDLE = path.join(REPO, 'dist', 'asr-ready-app.cjs');
export const DEBIAN_BUNDLE = path.join(FIXTURES, 'linux', 'trust', 'debian-12-ca-certificates.crt');
export const fixture = (...parts: string[]) => path.join(FIXTURES, ...parts);
