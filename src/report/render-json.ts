// JSON output: exactly one document on stdout. Maps (the certificate index) never reach here:
// findings carry plain evidence only.
import type { Report } from './report';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
