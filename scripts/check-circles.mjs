// Fails when modules under a folder (default src/) import each other in a circle, type imports
// included: layers (eslint.config.js) keep arrows between layers one-way; this keeps them one-way
// inside a layer too. `npm run lint` runs it. Usage: node scripts/check-circles.mjs [DIR]
import path from 'node:path';
import { parseDependencyTree, parseCircular, shortenTree } from 'dpdm';

const dir = path.resolve(process.argv[2] ?? 'src');
const cwd = process.cwd();
const tree = shortenTree(cwd, await parseDependencyTree(`${dir}/**/*.ts`, { context: cwd, transform: false, extensions: ['.ts', '.js', '.json'] }));
const circles = parseCircular(tree);
if (circles.length === 0) {
  console.log(
    `No import circles among ${Object.keys(tree).filter((f) => !f.startsWith('node_modules')).length} modules in ${path.relative(process.cwd(), dir) || '.'}.`,
  );
} else {
  console.error(
    `${circles.length} import circle(s) in ${path.relative(process.cwd(), dir) || '.'} (each module imports the next, the last imports the first):`,
  );
  for (const circle of circles) console.error(`  ${circle.join(' -> ')}`);
  process.exitCode = 1;
}
