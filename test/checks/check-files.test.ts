// One name, one place: each check ID has src/checks/<id>.ts, which defines it, and
// test/checks/<id>.test.ts; every module beside the registry in src/checks is a check (what several
// share lives in src/checks/helpers/).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/checks/registry';
import { REPO } from '../helpers/paths';

/** The file name of a check ID: dots become dashes (os.fips → os-fips). */
const fileOf = (id: string) => id.replaceAll('.', '-');
const IDS = ALL_CHECKS.map((c) => c.id);

describe('check files', () => {
  it.each(IDS)('%s: src/checks/<id>.ts defines it, and test/checks/<id>.test.ts exists', async (id) => {
    expect(existsSync(path.join(REPO, 'src/checks', `${fileOf(id)}.ts`)), `src/checks/${fileOf(id)}.ts`).toBe(true);
    expect(existsSync(path.join(REPO, 'test/checks', `${fileOf(id)}.test.ts`)), `test/checks/${fileOf(id)}.test.ts`).toBe(true);
    const module = (await import(`../../src/checks/${fileOf(id)}.ts`)) as Record<string, unknown>;
    const defined = Object.values(module).filter((v): v is { id: string } => typeof v === 'object' && v !== null && 'id' in v && 'run' in v);
    expect(defined.map((c) => c.id)).toEqual([id]);
  });

  it('every module in src/checks other than registry.ts is named after a check ID', () => {
    const modules = readdirSync(path.join(REPO, 'src/checks')).filter((f) => f.endsWith('.ts') && f !== 'registry.ts');
    expect(modules.sort()).toEqual(IDS.map((id) => `${fileOf(id)}.ts`).sort());
  });
});
