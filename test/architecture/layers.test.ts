// The layer arrows and the no-circle rule hold, and `npm run lint` would reject a planted breach:
// ESLint's own API lints planted imports as if they were files of each layer; the circle check
// runs as a child process over planted modules on disk.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths';

const run = promisify(execFile);
const eslint = new ESLint({ cwd: REPO });

/** The layer-rule messages ESLint gives for `source` planted as `file` (relative to the repository). */
async function layerErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(REPO, file) });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layer arrows (eslint.config.js)', () => {
  const wrong: [file: string, source: string, named: string][] = [
    ['src/core/planted.ts', "import type { Facts } from '../facts/facts';\nexport type F = Facts;\n", 'src/core may not import src/facts'],
    ['src/core/planted.ts', "import { probeEndpoint } from '../net/probe';\nexport const p = probeEndpoint;\n", 'src/core may not import src/net'],
    ['src/catalog/planted.ts', "import type { Finding } from '../core/finding';\nexport type F = Finding;\n", 'src/catalog may not import src/core'],
    ['src/net/planted.ts', "import type { Report } from '../report/report';\nexport type R = Report;\n", 'src/net may not import src/report'],
    [
      'src/report/planted.ts',
      "import type { DeliveryReport } from '../sinks/deliver';\nexport type D = DeliveryReport;\n",
      'src/report may not import src/sinks',
    ],
    [
      'src/facts/linux/planted.ts',
      "import { buildReport } from '../../report/report';\nexport const b = buildReport;\n",
      'src/facts may not import src/report',
    ],
    ['src/sinks/planted.ts', "import { Facts } from '../facts/facts';\nexport const f = Facts;\n", 'src/sinks may not import src/facts'],
    ['src/checks/planted.ts', "import { Facts } from '../facts/facts';\nexport const f = Facts;\n", 'src/checks may not import src/facts'],
    [
      'src/checks/helpers/planted.ts',
      "import { probeEndpoint } from '../../net/probe';\nexport const p = probeEndpoint;\n",
      'src/checks may not import src/net',
    ],
    ['src/checks/planted.ts', "import { runCheck } from '../cli/run';\nexport const r = runCheck;\n", 'src/checks may not import src/cli'],
  ];
  it.each(wrong)('rejects %s importing across a forbidden arrow (%#)', async (file, source, named) => {
    const errors = await layerErrors(file, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(named);
    expect(errors[0]).toContain('ARCHITECTURE.md');
  });

  const right: [file: string, source: string][] = [
    ['src/checks/planted.ts', "import type { Facts } from '../facts/facts';\nexport type F = Facts;\n"],
    ['src/checks/planted.ts', "import { SUPPORT_MATRIX } from '../catalog/support-matrix';\nexport const m = SUPPORT_MATRIX;\n"],
    ['src/facts/planted.ts', "import { createDispatcher } from '../net/dispatcher';\nexport const d = createDispatcher;\n"],
    ['src/sinks/planted.ts', "import type { Report } from '../report/report';\nexport type R = Report;\n"],
    ['src/cli/planted.ts', "import { Facts } from '../facts/facts';\nimport { deliver } from '../sinks/deliver';\nexport const x = [Facts, deliver];\n"],
    ['src/facts/linux/planted.ts', "import { readMounts } from './mounts';\nexport const r = readMounts;\n"],
  ];
  it.each(right)('allows %s importing along an allowed arrow (%#)', async (file, source) => {
    expect(await layerErrors(file, source)).toEqual([]);
  });

  it('src/ as it stands has no import across a forbidden arrow', async () => {
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const breaches = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => `${path.relative(REPO, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(breaches).toEqual([]);
  }, 60_000);
});

describe('import circles (scripts/check-circles.mjs)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'asr-ready-circles-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const checkCircles = (folder: string) => run(process.execPath, [path.join(REPO, 'scripts/check-circles.mjs'), folder], { cwd: REPO });

  it('rejects a planted circle, even one closed by a type-only import', async () => {
    await writeFile(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = 1 + b;\n");
    await writeFile(path.join(dir, 'b.ts'), "import type { X } from './c';\nexport const b = 2;\nexport type Y = X;\n");
    await writeFile(path.join(dir, 'c.ts'), "import { a } from './a';\nexport type X = typeof a;\n");
    const failed = await checkCircles(dir).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/1 import circle/);
    expect(failed?.stderr).toMatch(/a\.ts -> .*b\.ts -> .*c\.ts|b\.ts -> .*c\.ts -> .*a\.ts|c\.ts -> .*a\.ts -> .*b\.ts/);
  }, 30_000);

  it('src/ as it stands has none', async () => {
    const { stdout } = await checkCircles('src');
    expect(stdout).toMatch(/^No import circles among \d+ modules in src\./);
  }, 30_000);
});
