// Typed access to the cloud catalog (azure-clouds.json: data, with its sources and date): per
// cloud, where Logs Ingestion lives and the audience its tokens are for, the Entra ID authority,
// and the ARM endpoint and audience.
import data from './azure-clouds.json';
import { CLOUDS, type Cloud } from './azure-endpoints';

export interface CloudEntry {
  /** Entra ID sign-in host: the authority for a service principal's tokens. */
  entraAuthorityHost: string;
  logsIngestion: {
    /** The domain a Logs Ingestion endpoint of this cloud ends in. */
    hostSuffix: string;
    /** The audience a managed identity asks IMDS for (resource=). */
    resource: string;
    /** The scope a service principal asks Entra ID for (resource + /.default). */
    scope: string;
  };
  resourceManager: {
    endpoint: string;
    /** The audience (resource=) of an ARM token. */
    audience: string;
  };
}

export interface CloudCatalog {
  version: string;
  sources: string[];
  clouds: Record<Cloud, CloudEntry>;
}

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/;

/** Validates the shape once at load, so a bad data edit fails loudly (and in the catalog test). */
export function validateCloudCatalog(raw: unknown): CloudCatalog {
  const catalog = raw as CloudCatalog;
  if (!catalog || typeof catalog.version !== 'string' || typeof catalog.clouds !== 'object' || catalog.clouds === null)
    throw new Error('azure-clouds catalog: missing version or clouds');
  for (const name of Object.keys(catalog.clouds)) {
    if (!(CLOUDS as readonly string[]).includes(name)) throw new Error(`azure-clouds catalog: unknown cloud ${name}`);
  }
  const https = (cloud: string, field: string, value: unknown) => {
    let url: URL | null = null;
    try {
      url = new URL(String(value));
    } catch {
      /* reported below */
    }
    if (!url || url.protocol !== 'https:' || !HOST.test(url.hostname)) throw new Error(`azure-clouds catalog: ${cloud} ${field} is not an https:// URL`);
  };
  for (const cloud of CLOUDS) {
    const entry = catalog.clouds[cloud];
    if (!entry?.logsIngestion || !entry.resourceManager) throw new Error(`azure-clouds catalog: cloud ${cloud} is missing or incomplete`);
    if (!HOST.test(entry.entraAuthorityHost)) throw new Error(`azure-clouds catalog: ${cloud} entraAuthorityHost is not a host name`);
    if (!HOST.test(entry.logsIngestion.hostSuffix)) throw new Error(`azure-clouds catalog: ${cloud} logsIngestion.hostSuffix is not a domain`);
    https(cloud, 'logsIngestion.resource', entry.logsIngestion.resource);
    if (entry.logsIngestion.scope !== `${entry.logsIngestion.resource}/.default`)
      throw new Error(`azure-clouds catalog: ${cloud} logsIngestion.scope must be the resource followed by /.default`);
    https(cloud, 'resourceManager.endpoint', entry.resourceManager.endpoint);
    https(cloud, 'resourceManager.audience', entry.resourceManager.audience);
  }
  const suffixes = CLOUDS.map((c) => catalog.clouds[c].logsIngestion.hostSuffix);
  if (new Set(suffixes).size !== suffixes.length) throw new Error('azure-clouds catalog: two clouds share a Logs Ingestion host suffix');
  return catalog;
}

export const AZURE_CLOUDS: CloudCatalog = validateCloudCatalog(data);

const DEFAULT_CLOUD: Cloud = 'AzureCloud';

/**
 * The cloud a Logs Ingestion endpoint (URL) belongs to, by its host: the cloud whose host suffix it
 * ends in; else the cloud whose suffix has the same top-level domain (.us, .cn); else AzureCloud.
 */
export function cloudOfIngestionEndpoint(endpoint: string, catalog: CloudCatalog = AZURE_CLOUDS): Cloud {
  const host = new URL(endpoint).hostname.toLowerCase();
  const within = (suffix: string) => host === suffix || host.endsWith(`.${suffix}`);
  const bySuffix = CLOUDS.find((c) => within(catalog.clouds[c].logsIngestion.hostSuffix));
  if (bySuffix) return bySuffix;
  const topLevel = (name: string) => name.slice(name.lastIndexOf('.') + 1);
  return CLOUDS.find((c) => c !== DEFAULT_CLOUD && host.endsWith(`.${topLevel(catalog.clouds[c].logsIngestion.hostSuffix)}`)) ?? DEFAULT_CLOUD;
}
