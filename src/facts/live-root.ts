// Whether facts describe the running system ("/", the default) or an image mounted under --root.
// Some facts exist only on a running system (the kernel's /proc view, the clock, package queries).
export function isLiveRoot(root: string): boolean {
  return root === '/' || root === '';
}
