// The Windows installer scripts, without Windows: PowerShell itself is not installable on this
// machine (Microsoft ships it outside the registries it reaches), so the scripts are parsed with
// tree-sitter-powershell's grammar (WebAssembly, through web-tree-sitter), and the constructs they
// rely on are checked: well-known SIDs instead of translated group names, every native command's
// exit code checked, elevation checked in a way PowerShell 2.0/3.0 can parse, and the SHA256SUMS
// line pattern (run here, in Node, on both forms sha256sum writes). Also the Azure side: every role
// assignment names its principalType, and the Run Command example expands $URL where it is set.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { REPO } from '../helpers/paths';

const windowsDir = path.join(REPO, 'installers', 'windows');
const azureDir = path.join(REPO, 'installers', 'azure');
const scripts = readdirSync(windowsDir)
  .filter((f) => f.endsWith('.ps1'))
  .sort();
const read = (file: string) => readFileSync(path.join(windowsDir, file), 'utf8');

let parser: Parser;
beforeAll(async () => {
  await Parser.init();
  const wasm = createRequire(import.meta.url).resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
  parser = new Parser();
  parser.setLanguage(await Language.load(wasm));
});

function syntaxErrors(source: string): string[] {
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const found: string[] = [];
  const walk = (node: Node) => {
    if (node.type === 'ERROR' || node.isMissing)
      found.push(`line ${node.startPosition.row + 1}: ${node.isMissing ? `missing ${node.type}` : JSON.stringify(node.text.slice(0, 80))}`);
    for (const child of node.children) if (child) walk(child);
  };
  walk(tree.rootNode);
  tree.delete();
  return found;
}

describe('installers/windows: parsed with a PowerShell grammar', () => {
  it('finds the three scripts', () => {
    expect(scripts).toEqual(['cse-run.ps1', 'install.ps1', 'uninstall.ps1']);
  });

  it.each(scripts)('%s parses without a syntax error', (file) => {
    expect(syntaxErrors(read(file))).toEqual([]);
  });

  it('the parser does report broken PowerShell (so a clean parse means something)', () => {
    expect(syntaxErrors('if ($x { Write-Output 1 }')).not.toEqual([]);
    expect(syntaxErrors('$a = @{ b = 1\n')).not.toEqual([]);
  });
});

describe('installers/windows: constructs that must hold on any Windows the agent supports', () => {
  it.each(scripts)('%s has no #Requires that PowerShell 2.0/3.0 (Server 2008 R2 / 2012) would refuse', (file) => {
    expect(read(file)).not.toMatch(/^\s*#requires\b/im);
    // PowerShell 4+ only cmdlets (outside comments); the scripts carry their own Get-Sha256 for this reason.
    const code = read(file)
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
    expect(code).not.toMatch(/\bGet-FileHash\b/i);
  });

  it.each(['install.ps1', 'uninstall.ps1'])('%s checks elevation first, by the Administrators SID, and exits non-zero with a message', (file) => {
    const script = read(file);
    const check = script.indexOf('.IsInRole($administrators)');
    expect(script).toContain("New-Object Security.Principal.SecurityIdentifier('S-1-5-32-544')");
    expect(check).toBeGreaterThan(0);
    const firstChange = Math.min(
      ...['New-Item', 'Copy-Item', 'Remove-Item', 'Unregister-ScheduledTask', 'icacls'].map((c) => script.indexOf(c)).filter((i) => i >= 0),
    );
    expect(check).toBeLessThan(firstChange);
    expect(script.slice(check, check + 400)).toMatch(/must run elevated[\s\S]*\n\s*exit 1\n/);
  });

  it('install.ps1 grants the data directory to SYSTEM and Administrators by their SIDs, not by their translated names', () => {
    const script = read('install.ps1');
    const icacls = script.split('\n').filter((l) => /^\s*icacls\b/i.test(l));
    expect(icacls).toHaveLength(1);
    expect(icacls[0]).toContain("'*S-1-5-18:(OI)(CI)F'");
    expect(icacls[0]).toContain("'*S-1-5-32-544:(OI)(CI)F'");
    expect(script).not.toMatch(/'(SYSTEM|Administrators):\(/i);
  });

  it.each(scripts)("%s checks every native command's exit code and fails loudly", (file) => {
    const lines = read(file).split('\n');
    // Native commands in these scripts: icacls, and the agent itself (& $binary).
    const native = lines
      .map((l, i) => [l, i] as const)
      .filter(([l]) => /^\s*(icacls|&\s*\$binary|&\s*\(Join-Path \$PSScriptRoot 'install\.ps1'\))(?=\s|$)/i.test(l));
    for (const [line, i] of native) {
      const next = lines.slice(i + 1).find((l) => l.trim() && !l.trim().startsWith('#'))!;
      if (/&\s*\$binary/.test(line)) expect(next.trim()).toBe('exit $LASTEXITCODE');
      else {
        expect(next).toMatch(/^\s*if \(\$LASTEXITCODE -ne 0\) \{/);
        const block = lines.slice(lines.indexOf(next), lines.indexOf(next) + 4).join('\n');
        expect(block).toMatch(/\[Console\]::Error\.WriteLine\(/);
        expect(block).toMatch(/exit 1/);
      }
    }
    if (file === 'install.ps1') expect(native).toHaveLength(1);
    if (file === 'cse-run.ps1') expect(native).toHaveLength(2);
  });
});

describe('installers/windows: SHA256SUMS lines', () => {
  const patterns = ['install.ps1', 'cse-run.ps1'].map((file) => {
    const m = /\[regex\]::Match\(\$line, '([^']+)'\)/.exec(read(file));
    expect(m, `${file} has no [regex]::Match over the SHA256SUMS line`).not.toBeNull();
    return m![1]!;
  });
  // The same pattern in both, and only constructs .NET and JavaScript read alike.
  const sumsLine = new RegExp(patterns[0]!);
  const hash = 'ab'.repeat(32);
  const parse = (line: string) => {
    const m = sumsLine.exec(line);
    return m ? [m[1], m[2]] : null;
  };

  it('is the same pattern in install.ps1 and cse-run.ps1', () => {
    expect(patterns[1]).toBe(patterns[0]);
    expect(patterns[0]).toMatch(/^[\w^$()[\]{}*+?.\\ -]+$/);
  });

  it('reads both forms sha256sum writes: "<hash>  name" and "<hash> *name"', () => {
    expect(parse(`${hash}  asr-ready-win-x64.exe`)).toEqual([hash, 'asr-ready-win-x64.exe']);
    expect(parse(`${hash} *asr-ready-win-x64.exe`)).toEqual([hash, 'asr-ready-win-x64.exe']);
    expect(parse(`${hash.toUpperCase()}  asr-ready-win-x64.exe\r`)).toEqual([hash.toUpperCase(), 'asr-ready-win-x64.exe']);
  });

  it('reads the SHA256SUMS the build writes', () => {
    const build = readFileSync(path.join(REPO, 'scripts', 'build-binaries.mjs'), 'utf8');
    // whatever separator the build uses between the hash and the name must be one of the two forms
    const sep = /\$\{[^}]*\}( {2}| \*)\$\{[^}]*\}/.exec(build);
    expect(sep).not.toBeNull();
    expect(parse(`${hash}${sep![1]}asr-ready-win-x64.exe`)).toEqual([hash, 'asr-ready-win-x64.exe']);
  });

  it('refuses lines that are not a SHA-256 and a name', () => {
    expect(parse(`${hash} asr-ready-win-x64.exe`)).toBeNull();
    expect(parse(`${hash.slice(2)}  asr-ready-win-x64.exe`)).toBeNull();
    expect(parse(`# ${hash}  asr-ready-win-x64.exe`)).toBeNull();
    expect(parse('')).toBeNull();
  });
});

describe('installers/azure', () => {
  it.each(readdirSync(azureDir).filter((f) => f.endsWith('.json') && f !== 'workbook.json'))(
    '%s: every role assignment says principalType ServicePrincipal',
    (file) => {
      const template = JSON.parse(readFileSync(path.join(azureDir, file), 'utf8')) as {
        resources?: Array<{ type: string; properties: Record<string, unknown> }>;
      };
      for (const r of (template.resources ?? []).filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')) {
        expect(r.properties.principalType).toBe('ServicePrincipal');
      }
    },
  );

  it('log-analytics.json has its role assignment (so the check above checked something)', () => {
    expect(readFileSync(path.join(azureDir, 'log-analytics.json'), 'utf8')).toContain('"type": "Microsoft.Authorization/roleAssignments"');
  });

  it("the Run Command example expands $URL on the admin's machine, not on the VM where it is empty", () => {
    const readme = readFileSync(path.join(azureDir, 'README.md'), 'utf8');
    const lines = readme.split('\n');
    const start = lines.findIndex((l) => l.includes('az vm run-command invoke'));
    expect(start).toBeGreaterThan(0);
    let command = '';
    for (let i = start; ; i++) {
      command += lines[i]!.replace(/\\$/, '');
      if (!lines[i]!.endsWith('\\')) break;
    }
    // Run the example's own quoting through sh, with az standing in to print its arguments.
    const url = 'https://st.example/rel';
    const result = spawnSync('sh', ['-c', `az() { for a in "$@"; do printf '%s\\0' "$a"; done; }\nRG=rg VM=vm URL='${url}'\n${command}`], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const args = result.stdout.split('\0');
    const script = args[args.indexOf('--scripts') + 1]!;
    expect(script).toContain(`${url}/asr-ready-linux-x64`);
    expect(script).toContain(`${url}/SHA256SUMS`);
    expect(script).toContain(`${url}/cse-run.sh`);
    expect(script).not.toContain('$URL');
    // and what the VM runs is valid sh
    expect(spawnSync('sh', ['-n', '-c', script]).status).toBe(0);
  });
});
