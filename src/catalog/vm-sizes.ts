// Typed access to the VM size catalog (vm-sizes.json: data, with its sources and date): the nominal
// vCPUs and memory of the Azure sizes near the Site Recovery minimum. IMDS names the size but not
// its memory, and the guest always sees less memory than the size has.
import data from './vm-sizes.json';

export interface VmSize {
  /** As Microsoft Learn spells it ("Standard_B1s"); Azure matches names case-insensitively. */
  name: string;
  vcpus: number;
  /** Nominal memory in GiB (1024^3 bytes). */
  memoryGiB: number;
}

export interface VmSizeCatalog {
  version: string;
  sources: string[];
  note: string;
  sizes: VmSize[];
}

/** Validates the shape once at load, so a bad data edit fails loudly. */
export function validateVmSizes(raw: unknown): VmSizeCatalog {
  const c = raw as VmSizeCatalog;
  if (!c || !Array.isArray(c.sizes) || !Array.isArray(c.sources)) throw new Error('vm-sizes catalog: missing sizes or sources');
  const seen = new Set<string>();
  for (const s of c.sizes) {
    if (typeof s.name !== 'string' || !/^[A-Za-z]+_[A-Za-z0-9_-]+$/.test(s.name))
      throw new Error(`vm-sizes catalog: malformed size name ${JSON.stringify(s.name)}`);
    if (!Number.isInteger(s.vcpus) || s.vcpus < 1) throw new Error(`vm-sizes catalog: ${s.name} has vcpus ${s.vcpus}`);
    if (typeof s.memoryGiB !== 'number' || !(s.memoryGiB > 0)) throw new Error(`vm-sizes catalog: ${s.name} has memoryGiB ${s.memoryGiB}`);
    const key = s.name.toLowerCase();
    if (seen.has(key)) throw new Error(`vm-sizes catalog: ${s.name} is listed twice`);
    seen.add(key);
  }
  return c;
}

export const VM_SIZES: VmSizeCatalog = validateVmSizes(data as unknown);

/** The catalog entry for an IMDS compute.vmSize, matched case-insensitively; null when not listed. */
export function findVmSize(vmSize: string, catalog: VmSizeCatalog = VM_SIZES): VmSize | null {
  const key = vmSize.trim().toLowerCase();
  if (!key) return null;
  return catalog.sizes.find((s) => s.name.toLowerCase() === key) ?? null;
}
