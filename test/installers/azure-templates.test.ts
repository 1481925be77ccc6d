// The Azure side must accept exactly the rows the agent sends: the table, the DCR stream and the
// client's row shape are checked against each other, and the workbook against the KQL file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowsFor } from '../../src/sinks/log-analytics';
import { REPO } from '../helpers/paths';
import { ROW_COLUMNS } from '../helpers/fake-sinks';
import type { Report } from '../../src/report/report';

const read = (p: string) => readFileSync(path.join(REPO, 'installers', 'azure', p), 'utf8');
type Column = { name: string; type: string };
interface Resource {
  type: string;
  kind?: string;
  properties: Record<string, unknown>;
}

const template = JSON.parse(read('log-analytics.json')) as { resources: Resource[] };
const table = template.resources.find((r) => r.type === 'Microsoft.OperationalInsights/workspaces/tables')!;
const dcr = template.resources.find((r) => r.type === 'Microsoft.Insights/dataCollectionRules')!;
const tableColumns = (table.properties.schema as { columns: Column[] }).columns;
const streamColumns = (dcr.properties.streamDeclarations as Record<string, { columns: Column[] }>)['Custom-AsrReadinessRaw']!.columns;

const report = {
  schemaVersion: '1.1',
  agent: {
    name: 'asr-ready',
    version: '0.1.0',
    runtime: { node: '22.23.3', arch: 'x64', launcher: 'bundled-loader', libc: 'glibc 2.36', platformCheckSkipped: false },
  },
  runId: '00000000-0000-4000-8000-000000000001',
  startedAt: '2026-11-27T10:00:00.000Z',
  finishedAt: '2026-11-27T10:00:01.000Z',
  durationMs: 1000,
  host: { os: 'linux', distro: 'ubuntu', distroName: 'Ubuntu', version: '22.04', kernel: 'k', arch: 'x86_64', hostname: 'vm1', fromRoot: false },
  run: { checks: [], skip: [], failOn: 'fail', deadlineSeconds: 120, root: null, trustStore: [], configFile: null },
  verdict: 'not-ready',
  summary: { pass: 0, warn: 0, fail: 1, skip: 0, error: 0, total: 1 },
  network: null,
  endpoints: [],
  delivery: null,
  findings: [
    {
      checkId: 'trust.azure-roots',
      subject: null,
      status: 'fail',
      title: 't',
      summary: 's',
      remediation: 'r',
      asrErrorCodes: [151066],
      evidence: {},
      durationMs: 1,
    },
  ],
} as unknown as Report;

describe('installers/azure/log-analytics.json', () => {
  it('declares the same columns, in the table and the DCR stream, as the rows the agent sends', () => {
    const rows = rowsFor(report, { vmId: 'v', resourceId: '/subscriptions/x/vm1', region: 'westeurope' });
    expect(Object.keys(rows[0]!).sort()).toEqual([...ROW_COLUMNS].sort());
    expect(tableColumns).toEqual(streamColumns);
    expect(tableColumns.map((c) => c.name).sort()).toEqual(Object.keys(rows[1]!).sort());
    const types = Object.fromEntries(tableColumns.map((c) => [c.name, c.type]));
    for (const [name, value] of Object.entries(rows[0]!)) {
      const expected = name === 'TimeGenerated' ? 'datetime' : typeof value === 'string' ? 'string' : 'dynamic';
      expect([name, types[name]]).toEqual([name, expected]);
    }
  });

  it('is a Direct DCR sending the stream unchanged into AsrReadiness_CL, with the Monitoring Metrics Publisher role', () => {
    expect(dcr.kind).toBe('Direct');
    expect(dcr.properties.dataFlows).toEqual([
      { streams: ['Custom-AsrReadinessRaw'], destinations: ['law'], transformKql: 'source', outputStream: "[format('Custom-{0}', variables('tableName'))]" },
    ]);
    expect(read('log-analytics.json')).toContain("'3913510d-42f4-4e42-8a64-420c390055eb'");
    expect(read('log-analytics.json')).toContain('"tableName": "AsrReadiness_CL"');
  });
});

describe('installers/azure queries and workbook', () => {
  it('the workbook runs exactly the queries of queries.kql', () => {
    const blocks = read('queries.kql')
      .split('// ---')
      .slice(1)
      .map((b) => b.trim().split('\n').slice(1).join('\n').trim());
    const workbook = JSON.parse(read('workbook.json')) as { items: Array<{ type: number; content: { query?: string } }> };
    expect(workbook.items.filter((i) => i.type === 3).map((i) => i.content.query)).toEqual(blocks);
    expect(blocks).toHaveLength(4);
  });

  it('the queries use only columns the table has', () => {
    const known = new Set([
      ...tableColumns.map((c) => c.name),
      'VmKey',
      'FailingChecks',
      'LastReport',
      'LastVerdict',
      'DaysSilent',
      'VMs',
      'Checks',
      'AsrErrorCode',
      'Code',
      'latestRuns',
      'Launcher',
      'Node',
      'Arch',
      'Libc',
      'PlatformCheckSkipped',
    ]);
    const identifiers =
      read('queries.kql')
        .replace(/\/\/.*$/gm, '')
        .replace(/"[^"]*"/g, '')
        .match(/\b[A-Z][A-Za-z]+\b/g) ?? [];
    expect(identifiers.filter((id) => !known.has(id) && id !== 'AsrReadiness_CL')).toEqual([]);
  });
});

describe('installers/azure Custom Script Extension templates', () => {
  it.each([
    ['cse-linux.json', 'Microsoft.Azure.Extensions', 'CustomScript', '2.1', 'sh cse-run.sh'],
    ['cse-windows.json', 'Microsoft.Compute', 'CustomScriptExtension', '1.10', '-File cse-run.ps1'],
  ])('%s: the right extension, the command in protectedSettings, a changing forceUpdateTag', (file, publisher, type, version, command) => {
    const t = JSON.parse(read(file)) as {
      parameters: Record<string, { type: string; defaultValue?: unknown }>;
      variables: { command: string };
      resources: Array<{ properties: Record<string, unknown> }>;
    };
    const props = t.resources[0]!.properties;
    expect([props.publisher, props.type, props.typeHandlerVersion]).toEqual([publisher, type, version]);
    expect(props.settings).toEqual({});
    expect(String(props.protectedSettings)).toContain("'commandToExecute', variables('command')");
    expect(t.variables.command).toContain(command);
    expect(t.parameters.agentArguments!.type).toBe('securestring');
    expect(t.parameters.forceUpdateTag!.defaultValue).toBe('[utcNow()]');
  });
});

describe('installers/windows', () => {
  it('checks the SHA-256 before copying anything, and schedules a daily SYSTEM task with a random delay', () => {
    const script = readFileSync(path.join(REPO, 'installers', 'windows', 'install.ps1'), 'utf8');
    expect(script.indexOf('$actual = Get-Sha256 $Binary')).toBeGreaterThan(0);
    expect(script.indexOf('$actual = Get-Sha256 $Binary')).toBeLessThan(script.indexOf('Copy-Item'));
    expect(script).toMatch(/New-ScheduledTaskTrigger -Daily -At \$At -RandomDelay \$RandomDelay/);
    expect(script).toMatch(/New-ScheduledTaskPrincipal -UserId 'SYSTEM'/);
    expect(script).toMatch(/-StartWhenAvailable -MultipleInstances IgnoreNew/);
    const cse = readFileSync(path.join(REPO, 'installers', 'windows', 'cse-run.ps1'), 'utf8');
    expect(cse).toMatch(/\$env:ASR_READY_OUTPUT = 'compact'\n\$env:ASR_READY_FAIL_ON = \$failOn\n& \$binary check @AgentArgs/);
  });
});
