// Bundles src/ into one CommonJS file, dist/asr-ready.cjs: what `npm start` runs, what the CLI
// tests spawn, and what the single binaries embed. One artifact, so all three behave the same.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/asr-ready.cjs',
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
  define: { __AGENT_VERSION__: JSON.stringify(pkg.version) },
});
