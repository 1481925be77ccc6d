// The context a run gives a check (src/checks/helpers/check-context.ts), with the real catalogs
// unless a test gives its own: for tests that call a check's run().
import { contextFor, type Catalogs, type CheckContext, type FactsApi, type GuestCheck } from '../../../src/checks/helpers/check-context';
import { AZURE_ROOTS } from '../../../src/catalog/azure-roots';
import { SUPPORT_MATRIX } from '../../../src/catalog/support-matrix';
import { AZURE_ENDPOINTS } from '../../../src/catalog/azure-endpoints';
import { VM_SIZES } from '../../../src/catalog/vm-sizes';

export const CATALOGS: Catalogs = { azureRoots: AZURE_ROOTS, supportMatrix: SUPPORT_MATRIX, endpoints: AZURE_ENDPOINTS, vmSizes: VM_SIZES };

export function contextOf(check: GuestCheck, facts: FactsApi, catalog: Catalogs = CATALOGS): CheckContext {
  return contextFor(check, facts, catalog, new AbortController().signal, new Date());
}
