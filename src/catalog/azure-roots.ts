// Typed access to the Azure root catalog (azure-roots.json: data, with its sources and date).
import data from './azure-roots.json';

export const ROOT_STATUSES = ['required', 'secondary', 'legacy-named-by-asr-docs', 'expired'] as const;
export type RootStatus = (typeof ROOT_STATUSES)[number];

export interface CatalogRoot {
  id: string;
  name: string;
  status: RootStatus;
  sha256: string;
  sha1: string;
  notAfter: string;
  subjectHash: string;
  subjectHashOld: string;
  debianFile?: string;
  /** When Azure endpoints started chaining to this root (required roots). */
  azureChainsSince?: string;
  endpoints: string[];
  note: string;
}

export interface RootCatalog {
  version: string;
  sources: string[];
  roots: CatalogRoot[];
}

/** Validates the shape once at load, so a bad data edit fails loudly (and in the catalog test). */
export function validateRootCatalog(raw: unknown): RootCatalog {
  const catalog = raw as RootCatalog;
  if (!catalog || typeof catalog.version !== 'string' || !Array.isArray(catalog.roots)) throw new Error('azure-roots catalog: missing version or roots');
  for (const root of catalog.roots) {
    if (!ROOT_STATUSES.includes(root.status)) throw new Error(`azure-roots catalog: ${root.id} has unknown status ${root.status}`);
    if (!/^[0-9A-F]{64}$/.test(root.sha256)) throw new Error(`azure-roots catalog: ${root.id} sha256 is not 64 upper-case hex digits`);
    if (!/^[0-9A-F]{40}$/.test(root.sha1)) throw new Error(`azure-roots catalog: ${root.id} sha1 is not 40 upper-case hex digits`);
    if (!/^[0-9a-f]{8}$/.test(root.subjectHash)) throw new Error(`azure-roots catalog: ${root.id} subjectHash is not 8 hex digits`);
    if (Number.isNaN(Date.parse(root.notAfter))) throw new Error(`azure-roots catalog: ${root.id} notAfter is not a date`);
  }
  if (!catalog.roots.some((r) => r.status === 'required')) throw new Error('azure-roots catalog: no required root');
  return catalog;
}

export const AZURE_ROOTS: RootCatalog = validateRootCatalog(data);
