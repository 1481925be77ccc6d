// Kernel parameters from the boot configuration (151126 device names, 151124 LVM references, fips=
// for os.fips):
// GRUB 2 configs, /etc/default/grub, GRUB legacy menu.lst, BLS entries and grubenv.
import { GuestFs } from '../guest-fs';
import { escapeControls, truncateText } from '../../core/text-bounds';

export const GRUB_FILES = ['/boot/grub/menu.lst', '/boot/grub/grub.cfg', '/boot/grub2/grub.cfg', '/etc/default/grub', '/boot/grub2/grubenv'];
const EXTRA_DIRS = ['/boot/efi/EFI', '/boot/loader/entries'];

export interface KernelParam {
  path: string;
  lineNumber: number;
  /** The whole line, trimmed, as the admin will find it in the file. */
  line: string;
  key: 'root' | 'resume' | 'rd.lvm.lv' | 'rd_LVM_LV' | 'fips';
  value: string;
}

export interface GrubFacts {
  /** exists: the file was there and read; note: why it was cut at the cap or not read (a FIFO, a directory, ...). */
  files: Array<{ path: string; exists: boolean; note?: string }>;
  params: KernelParam[];
  /** Device name (sda1) to file-system UUID, from /dev/disk/by-uuid: the replacement for a device name. */
  uuidByDevice: Record<string, string>;
}

/** Lines that carry kernel parameters in any of the formats above. */
const PARAM_LINE = /^\s*(linux|linuxefi|linux16|kernel|options|GRUB_CMDLINE_LINUX(?:_DEFAULT)?=|kernelopts=|set\s+kernelopts=)/;
const PARAM = /(?:^|[\s"'])(root|resume|rd\.lvm\.lv|rd_LVM_LV|fips)=([^\s"']+)/g;

/** Real configurations carry a few per line and some hundreds per file; past these a file is hostile. */
export const MAX_PARAMS_PER_LINE = 16;
export const MAX_PARAMS_PER_FILE = 1000;
export const GRUB_FILE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Linear in the text: each line is tested by anchored or non-overlapping regexes, and the quoted
 * line is cut once per line (evidence shares it) rather than copied whole into every parameter.
 * `notes` receives what a cap left unread: lines whose parameters past the per-line cap were not
 * judged, and the line where the per-file cap stopped the parse.
 */
export function parseKernelParams(text: string, path: string, notes?: string[]): KernelParam[] {
  const params: KernelParam[] = [];
  // The path is shown in summaries and in remediation steps (which keep their own line breaks): a
  // directory name under /boot/efi/EFI with a newline in it must not add a line there.
  const shownPath = escapeControls(path);
  const lines = text.split(/\r?\n/);
  const cutLines: number[] = [];
  let fileCapAt: number | null = null;
  for (let index = 0; index < lines.length && fileCapAt === null; index++) {
    const raw = lines[index]!;
    if (!PARAM_LINE.test(raw) || raw.trimStart().startsWith('#')) continue;
    let line: string | null = null;
    let onLine = 0;
    for (const match of raw.matchAll(PARAM)) {
      if (params.length >= MAX_PARAMS_PER_FILE) {
        fileCapAt = index + 1; // a parameter the cap leaves out: the parse stops here
        break;
      }
      if (onLine >= MAX_PARAMS_PER_LINE) {
        cutLines.push(index + 1);
        break;
      }
      line ??= truncateText(raw.trim());
      params.push({ path: shownPath, lineNumber: index + 1, line, key: match[1] as KernelParam['key'], value: truncateText(match[2]!) });
      onLine++;
    }
  }
  if (notes && cutLines.length) {
    const shown = cutLines.slice(0, 10).join(', ') + (cutLines.length > 10 ? ` and ${cutLines.length - 10} more` : '');
    notes.push(`${shownPath}: more than ${MAX_PARAMS_PER_LINE} root=/resume=/rd.lvm.lv= parameters on line(s) ${shown}; those past the ${MAX_PARAMS_PER_LINE}th were not judged`);
  }
  if (notes && fileCapAt !== null) {
    notes.push(`${shownPath}: more than ${MAX_PARAMS_PER_FILE.toLocaleString('en-US')} root=/resume=/rd.lvm.lv= parameters; parsing stopped at line ${fileCapAt} and what follows was not judged`);
  }
  return params;
}

export async function readGrubFacts(root: string): Promise<GrubFacts> {
  const fs = new GuestFs(root);
  const paths = [...GRUB_FILES];
  for (const dir of EXTRA_DIRS) paths.push(...(await findConfigs(fs, dir)));
  const files: GrubFacts['files'] = [];
  const params: KernelParam[] = [];
  for (const path of paths) {
    const { text, note } = await fs.readText(path, GRUB_FILE_MAX_BYTES);
    // The size cap and the parameter caps each leave part of the file unjudged: the file's note says which.
    const notes = note ? [note] : [];
    if (text !== null) for (const param of parseKernelParams(text, path, notes)) params.push(param); // no push(...): a spread of a huge array overflows the stack
    files.push({ path, exists: text !== null, ...(notes.length ? { note: notes.join('; ') } : {}) });
  }
  return { files, params, uuidByDevice: await readUuidLinks(fs) };
}

async function readUuidLinks(fs: GuestFs): Promise<Record<string, string>> {
  const dir = '/dev/disk/by-uuid';
  const out: Record<string, string> = {};
  for (const uuid of await fs.listOrEmpty(dir)) {
    const target = await fs.readLink(`${dir}/${uuid}`);
    if (target) out[target.replace(/^.*\//, '')] = uuid;
  }
  return out;
}

/** grub.cfg under /boot/efi/EFI/<vendor>/ and BLS *.conf entries. */
async function findConfigs(fs: GuestFs, dir: string): Promise<string[]> {
  const entries = await fs.listOrEmpty(dir);
  if (dir.endsWith('entries')) return entries.filter((e) => e.endsWith('.conf')).sort().map((e) => `${dir}/${e}`);
  return entries.sort().map((vendor) => `${dir}/${vendor}/grub.cfg`);
}

/** A kernel device name (/dev/sda1, /dev/nvme0n1p2, /dev/xvda): what 151126 is about. */
export function isDeviceName(value: string): boolean {
  return /^\/dev\/(sd[a-z]+|hd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+)(p?\d+)?$/.test(value);
}
