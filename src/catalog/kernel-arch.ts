// Which architecture a kernel release or image name ends with, by the distributions' naming
// (el9.aarch64, -cloud-arm64, Ubuntu's -64k flavour): read by facts for an image's architecture and
// by os.kernel to judge the kernel itself.

/** The architecture a kernel release or image name ends with; null when it names none. */
export function kernelNameArch(name: string): string | null {
  if (/[.\-_](x86_64|amd64)$/.test(name)) return 'x86_64';
  // Ubuntu's 64 KiB-page flavour (generic-64k, azure-64k) exists only for arm64.
  if (/[.\-_](aarch64|arm64)$/.test(name) || /-64k$/.test(name)) return 'aarch64';
  if (/[.\-_](i[3-6]86|686(-pae)?)$/.test(name)) return 'i686';
  if (/[.\-_](armv7hl?|armmp(-lpae)?)$/.test(name)) return 'armv7l';
  return null;
}
