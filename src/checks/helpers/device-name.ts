// Kernel device names, which change when the VM fails over to other hardware (boot.grub-device-names).

/** A kernel device name (/dev/sda1, /dev/nvme0n1p2, /dev/xvda): what 151126 is about. */
export function isDeviceName(value: string): boolean {
  return /^\/dev\/(sd[a-z]+|hd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+)(p?\d+)?$/.test(value);
}
