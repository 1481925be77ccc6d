// Builds dist/asr-ready.cjs and dist/asr-ready-app.cjs once: the CLI tests spawn the same bundles that `npm start` and the
// single binaries run.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-bundle.mjs'], { stdio: 'inherit' });
}
