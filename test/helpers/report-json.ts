// The report as the agent prints it. src/report/report.ts types only what the report itself reads
// (it depends on no network or delivery type); the JSON carries each probe's and each delivery's
// whole record, which tests read.
import type { Report } from '../../src/report/report';
import type { EndpointResult } from '../../src/net/probe';
import type { DeliveryReport } from '../../src/sinks/deliver';

export type ReportJson = Omit<Report, 'endpoints' | 'delivery'> & { endpoints: EndpointResult[]; delivery: DeliveryReport | null };
