// vCPUs and memory of a Windows guest: always the running system (Windows has no --root).
import os from 'node:os';
import type { ResourceFacts } from '../linux/resources';

export function readWindowsResources(): ResourceFacts {
  return { vcpus: os.cpus().length, memoryBytes: os.totalmem(), source: 'the running system' };
}
