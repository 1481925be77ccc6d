// Bundles src/ into two CommonJS files: dist/asr-ready.cjs, the small entry that answers --version
// at once, and dist/asr-ready-app.cjs, everything else, loaded when a run needs it
// (src/cli/load-app.ts). They are what `npm start` runs, what the CLI tests spawn, and what the
// single binaries embed (the app as a SEA asset): one artifact, so all three behave the same.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';

const options = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  // Smaller source parses faster at start-up; identifiers are kept so messages and traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};
// Written to a temporary name and renamed: a test run elsewhere may be starting these very files.
mkdirSync('dist', { recursive: true });
for (const [entry, outfile] of [
  ['src/cli/app.ts', 'dist/asr-ready-app.cjs'],
  ['src/cli/main.ts', 'dist/asr-ready.cjs'],
]) {
  const { outputFiles } = await build({ ...options, entryPoints: [entry], outfile, write: false });
  const tmp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(tmp, outputFiles[0].contents);
  renameSync(tmp, outfile);
}
