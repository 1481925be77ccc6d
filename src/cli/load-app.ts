// The agent is two bundles: the small entry (main.ts), which answers --version at once, and the app
// (checks, facts, network, report: 1.4 MB of JavaScript whose parsing alone doubled start-up),
// loaded only when a run needs it. In the single binary the app is a SEA asset; from source, the
// file beside the entry bundle. scripts/build-bundle.mjs builds both; build-binaries.mjs embeds both.
import { createRequire } from 'node:module';
import path from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { compileFunction } from 'node:vm';
import type * as App from './app';

export const APP_BUNDLE = 'asr-ready-app.cjs';

export function loadApp(): typeof App {
  if (!isSea()) return createRequire(__filename)(path.join(__dirname, APP_BUNDLE)) as typeof App;
  // The SEA's own require loads built-in modules only, which is all the app bundle asks for.
  const module = { exports: {} as typeof App };
  const wrapper = compileFunction(getAsset(APP_BUNDLE, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: APP_BUNDLE });
  wrapper(module.exports, require, module, APP_BUNDLE, '.');
  return module.exports;
}
