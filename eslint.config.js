// Lint rules: the recommended sets of ESLint and typescript-eslint, and the layer arrows of
// ARCHITECTURE.md. `npm run lint` (run by .ci/run) also runs scripts/check-circles.mjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Which layers of src/ each layer may import (ARCHITECTURE.md). `types` lists layers it may import
 * types from and nothing else. cli may import everything, so it has no row.
 */
const LAYERS = {
  core: { may: [] },
  catalog: { may: [] },
  net: { may: ['core'] },
  report: { may: ['core'] },
  facts: { may: ['net', 'catalog', 'core'] },
  sinks: { may: ['net', 'report', 'core'] },
  checks: { may: ['core', 'catalog'], types: ['facts'] },
};
const ALL_LAYERS = ['cli', 'core', 'catalog', 'net', 'report', 'facts', 'sinks', 'checks'];

/** A relative import that climbs out to src/<layer>: '../net/probe', '../../facts/facts'. */
const importOf = (layer) => `^(\\.\\./)+${layer}(/|$)`;

function layerRules(layer, { may, types = [] }) {
  const message = (to) =>
    `src/${layer} may not import src/${to}: ${layer} may import ${[...may, ...types.map((t) => `${t} (types only)`)].join(', ') || 'nothing in src'} (see ARCHITECTURE.md, "Layers").`;
  const forbidden = ALL_LAYERS.filter((to) => to !== layer && !may.includes(to));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: forbidden.map((to) => ({ regex: importOf(to), message: message(to), allowTypeImports: types.includes(to) })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...Object.entries(LAYERS).map(([layer, allowed]) => layerRules(layer, allowed)),
);
