// Regenerates installers/azure/workbook.json from installers/azure/queries.kql, so the workbook and
// the documented queries cannot drift apart (a test checks they agree).
import { readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('../installers/azure/', import.meta.url);
const blocks = readFileSync(new URL('queries.kql', dir), 'utf8')
  .split('// ---')
  .slice(1)
  .map((b) => b.trim());
const items = [
  {
    type: 1,
    content: {
      json: '## Azure Site Recovery readiness (asr-ready)\nReports sent by asr-ready through the Logs Ingestion API into `AsrReadiness_CL`. Queries: `installers/azure/queries.kql`.',
    },
    name: 'title',
  },
  ...blocks.map((block, i) => {
    const [first, ...rest] = block.split('\n');
    return {
      type: 3,
      content: {
        version: 'KqlItem/1.0',
        query: rest.join('\n').trim(),
        size: 0,
        title: first.replace('// name:', '').trim(),
        timeContext: { durationMs: 1209600000 },
        queryType: 0,
        resourceType: 'microsoft.operationalinsights/workspaces',
        visualization: 'table',
      },
      name: `query${i + 1}`,
    };
  }),
];
const workbook = {
  version: 'Notebook/1.0',
  items,
  fallbackResourceIds: [],
  $schema: 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json',
};
writeFileSync(new URL('workbook.json', dir), `${JSON.stringify(workbook, null, 2)}\n`);
