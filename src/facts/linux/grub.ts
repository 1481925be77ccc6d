// Kernel parameters from the boot configuration (151126 device names, 151124 LVM references, fips=
// for os.fips), read the way GRUB and the tools that feed it read each file:
// - grub.cfg (GRUB script): words split on blanks, quotes removed ('…' literal, "…" with \ escapes),
//   a backslash-newline continues the line, a quoted newline stays in the word, # starts a comment
//   only at the start of a word, ; { } end a command. linux/linuxefi/linux16/kernel/module[2] carry
//   kernel arguments, and so do `set kernelopts=…` (RHEL 8's fallback) and `kernelopts=…`.
// - /etc/default/grub and /etc/default/grub.d/*.cfg (shell, sourced by grub-mkconfig): the same
//   quoting; every GRUB_CMDLINE_*= assignment is kernel arguments (GRUB_CMDLINE_LINUX=root=/dev/sda1
//   unquoted included).
// - menu.lst (GRUB legacy): one command per line, passed to the kernel as written.
// - grubenv (GRUB environment block, `name=value` lines, \ escapes): kernelopts, and every variable a
//   BLS entry uses, is kernel arguments.
// - BLS entries (/boot/loader/entries/*.conf): `options` lines, with $name / ${name} expanded from
//   grubenv as GRUB's blscfg does (RHEL 8: `options $kernelopts $tuned_params`).
// Finally the kernel splits its command line on blanks, a "…" group being one argument, and strips
// the quotes around a value (root="/dev/sda1" is root=/dev/sda1).
import { GuestFs } from '../guest-fs';
import { escapeControls, truncateText } from '../../core/text-bounds';

export const GRUB_FILES = [
  '/boot/grub/menu.lst',
  '/boot/grub/grub.cfg',
  '/boot/grub2/grub.cfg',
  '/etc/default/grub',
  '/boot/grub2/grubenv',
  '/boot/grub/grubenv',
];
/** Directories whose entries are read too: /etc/default/grub.d/*.cfg, /boot/efi/EFI/<vendor>/{grub.cfg,grubenv}, BLS entries. */
const EXTRA_DIRS = ['/etc/default/grub.d', '/boot/efi/EFI', '/boot/loader/entries'];
const MAX_DIR_ENTRIES = 1000;

export type KernelParamKey = 'root' | 'resume' | 'rd.lvm.lv' | 'rd_LVM_LV' | 'fips';
const KEYS: readonly KernelParamKey[] = ['root', 'resume', 'rd.lvm.lv', 'rd_LVM_LV', 'fips'];

export interface KernelParam {
  path: string;
  lineNumber: number;
  /** The whole line, trimmed, as the admin will find it in the file. */
  line: string;
  key: KernelParamKey;
  value: string;
  /** A BLS `options` argument that takes (part of) its text from a GRUB variable: where that variable is set. */
  via?: { variable: string; path: string; lineNumber: number };
  /** A grubenv variable (kernelopts): the BLS entries (path:line) whose options use it. */
  usedBy?: string[];
}

export interface GrubFacts {
  /** exists: the file was there and read; note: why it was cut at the cap or not read (a FIFO, a directory, ...); sameAs: a link to a file already read. */
  files: Array<{ path: string; exists: boolean; note?: string; sameAs?: string }>;
  params: KernelParam[];
  /** Device name (sda1) to file-system UUID, from /dev/disk/by-uuid: the replacement for a device name. */
  uuidByDevice: Record<string, string>;
}

export type GrubDialect = 'grub-script' | 'shell' | 'menu.lst' | 'bls' | 'grubenv';

/** Which reader a file gets, from its path. */
export function dialectOf(path: string): GrubDialect {
  if (/(^|\/)grubenv$/.test(path)) return 'grubenv';
  if (/\/loader\/entries\/[^/]*\.conf$/.test(path)) return 'bls';
  if (path === '/etc/default/grub' || path.startsWith('/etc/default/grub.d/')) return 'shell';
  if (/(^|\/)menu\.lst$/.test(path)) return 'menu.lst';
  return 'grub-script';
}

/** Real configurations carry a few per line and some hundreds per file; past these a file is hostile. */
export const MAX_PARAMS_PER_LINE = 16;
export const MAX_PARAMS_PER_FILE = 1000;
export const GRUB_FILE_MAX_BYTES = 4 * 1024 * 1024;

/** Commands whose arguments are the kernel's (module/module2: the kernel under Xen's multiboot). */
const KERNEL_COMMANDS = new Set(['linux', 'linuxefi', 'linux16', 'kernel', 'module', 'module2']);
/** Words that may come before a command in GRUB script or shell. */
const LEADING = new Set(['then', 'else', 'do', '!', 'export']);

/** A GRUB variable's value and where it is set (for BLS expansion). */
export interface GrubVariable {
  value: string;
  path: string;
  lineNumber: number;
}

export interface ParseOptions {
  /** BLS: the variables $name expands to (from grubenv); undefined names expand to nothing, as in GRUB. */
  variables?: ReadonlyMap<string, GrubVariable>;
  /** grubenv and grub.cfg `set`: variable names whose values are kernel arguments (kernelopts always is). */
  argVariables?: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------------------------
// Words: GRUB script and shell quoting, in one pass.

interface Word {
  text: string;
  /** 1-based line of the first character. */
  line: number;
  /** Offsets in text where a later physical line begins (a quoted newline, a backslash-newline). */
  breaks: number[];
  /** Spans of text that came from a variable. */
  vars: Array<{ name: string; start: number; end: number }>;
  quoted: boolean;
}

/** Called with each statement's words; false stops the scan. */
type OnStatement = (words: Word[]) => boolean;

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;
/** Characters that need a decision outside quotes; anything else is copied in runs. */
const PLAIN_END = /[\n \t\r\v\f;#\\"'$]/g;
const DOUBLE_END = /["\\$\n]/g;

/**
 * Splits text into statements of words, handing each to onStatement. Linear: plain runs are copied
 * as slices and every other character is looked at a bounded number of times (a `${` that does not
 * close is scanned once as a name, then again as text). Returns where the statement holding a quote
 * left open at the end starts (its line and index), or null.
 */
function tokenize(
  text: string,
  spanLines: boolean,
  onStatement: OnStatement,
  variables?: ReadonlyMap<string, GrubVariable>,
  firstLine = 1,
): { line: number; index: number } | null {
  let words: Word[] = [];
  let word: Word | null = null;
  let quote: '"' | "'" | null = null;
  let line = firstLine;
  let statementLine = firstLine;
  let statementIndex = 0;
  let stopped = false;
  const start = (): Word => (word ??= { text: '', line, breaks: [], vars: [], quoted: false });
  const endStatement = () => {
    if (words.length && !stopped) stopped = !onStatement(words);
    words = [];
  };
  const endWord = () => {
    const w = word;
    word = null;
    if (!w) return;
    if (!w.quoted && (w.text === '{' || w.text === '}')) endStatement();
    else words.push(w);
  };
  const expand = (i: number): number => {
    // $name or ${name}: returns the index after it, or -1 when it is not a variable reference.
    let j = i + 1;
    const braced = text[j] === '{';
    if (braced) j++;
    if (j >= text.length || !IDENT_START.test(text[j]!)) return -1;
    const nameStart = j;
    while (j < text.length && IDENT.test(text[j]!)) j++;
    if (braced && text[j] !== '}') return -1;
    const name = text.slice(nameStart, j);
    const w = start();
    const value = variables!.get(name)?.value ?? '';
    w.vars.push({ name, start: w.text.length, end: w.text.length + value.length });
    w.text += value;
    return braced ? j + 1 : j;
  };
  const newlineInWord = () => {
    line++;
    const w = start();
    w.text += '\n';
    w.breaks.push(w.text.length);
  };
  // Where the next newline and single quote are, remembered: searching again from every quote would be quadratic.
  let nlAt = -2;
  let quoteAt = -2;
  const nextNewline = (i: number) => (nlAt === -1 || nlAt >= i ? nlAt : (nlAt = text.indexOf('\n', i)));
  const nextQuote = (i: number) => (quoteAt === -1 || quoteAt >= i ? quoteAt : (quoteAt = text.indexOf("'", i)));
  let next: number;
  for (let i = 0; i < text.length && !stopped;) {
    const c = text[i]!;
    if (quote === "'") {
      const close = nextQuote(i);
      const nl = nextNewline(i);
      if (nl >= 0 && (close < 0 || nl < close)) {
        start().text += text.slice(i, nl);
        if (!spanLines) {
          quote = null; // the newline ends the statement below
          i = nl;
        } else {
          newlineInWord();
          i = nl + 1;
        }
        continue;
      }
      if (close < 0) {
        start().text += text.slice(i);
        i = text.length;
        continue;
      }
      start().text += text.slice(i, close);
      quote = null;
      i = close + 1;
      continue;
    }
    if (quote === '"') {
      DOUBLE_END.lastIndex = i;
      const m = DOUBLE_END.exec(text);
      const stop = m ? m.index : text.length;
      if (stop > i) start().text += text.slice(i, stop);
      i = stop;
      if (i >= text.length) break;
      const d = text[i]!;
      if (d === '"') {
        quote = null;
        i++;
      } else if (d === '\\') {
        const after = text[i + 1];
        if (after === '\n') {
          line++;
          start().breaks.push(word!.text.length);
          i += 2;
        } else if (after !== undefined && '"\\$'.includes(after)) {
          start().text += after;
          i += 2;
        } else {
          start().text += d;
          i++;
        }
      } else if (d === '$') {
        if (variables && (next = expand(i)) >= 0) i = next;
        else {
          start().text += d;
          i++;
        }
      } else if (!spanLines) {
        quote = null; // a newline: ends the statement below
      } else {
        newlineInWord();
        i++;
      }
      continue;
    }
    if (c === '\n') {
      endWord();
      endStatement();
      line++;
      i++;
      statementLine = line;
      statementIndex = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f') {
      endWord();
      i++;
      continue;
    }
    if (c === ';') {
      endWord();
      endStatement();
      i++;
      continue;
    }
    if (c === '#' && word === null) {
      const nl = nextNewline(i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (c === '\\') {
      if (text[i + 1] === '\n') {
        line++;
        const w = word as Word | null;
        if (w) w.breaks.push(w.text.length);
      } else if (i + 1 < text.length) {
        start().text += text[i + 1];
      }
      i += 2;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      start().quoted = true;
      i++;
      continue;
    }
    if (c === '$' && variables && (next = expand(i)) >= 0) {
      i = next;
      continue;
    }
    // A run of ordinary characters ('#' and '$' inside a word included).
    PLAIN_END.lastIndex = i + 1;
    const m = PLAIN_END.exec(text);
    let stop = m ? m.index : text.length;
    while (stop < text.length && (text[stop] === '#' || (text[stop] === '$' && !variables))) {
      PLAIN_END.lastIndex = stop + 1;
      const more = PLAIN_END.exec(text);
      stop = more ? more.index : text.length;
    }
    start().text += text.slice(i, stop);
    i = stop;
  }
  if (stopped) return null;
  // Line by line, the end of the text closes a quote as the end of a line does.
  if (quote !== null && spanLines) return { line: statementLine, index: statementIndex };
  endWord();
  endStatement();
  return null;
}

/** The statements of a file; a quote never closed makes the rest be read line by line (each line on its own), and noted. */
function eachStatement(text: string, spanLines: boolean, shownPath: string, notes: string[] | undefined, onStatement: OnStatement): void {
  const unclosed = tokenize(text, spanLines, onStatement);
  if (!unclosed) return;
  notes?.push(
    `${shownPath}: a quote opened in the command on line ${unclosed.line} is never closed, so ${spanLines ? 'GRUB or the shell would reject the file from there' : 'that line is broken'}; the lines from there on were read one by one`,
  );
  tokenize(text.slice(unclosed.index), false, onStatement, undefined, unclosed.line);
}

/** All words of a one-line text (a BLS options value). */
function wordsOf(text: string, variables: ReadonlyMap<string, GrubVariable>, line: number): Word[] {
  const words: Word[] = [];
  tokenize(
    text,
    false,
    (ws) => {
      for (const w of ws) words.push(w);
      return true;
    },
    variables,
    line,
  );
  return words;
}

/** The part of a word after `from` characters, with its line and breaks moved along. */
function sliceWord(w: Word, from: number): Word {
  let line = w.line;
  const breaks: number[] = [];
  for (const b of w.breaks) {
    if (b <= from) line++;
    else breaks.push(b - from);
  }
  const vars = w.vars.filter((v) => v.end > from).map((v) => ({ ...v, start: Math.max(0, v.start - from), end: v.end - from }));
  return { text: w.text.slice(from), line, breaks, vars, quoted: w.quoted };
}

// ---------------------------------------------------------------------------------------------
// The kernel's reading of its command line.

interface KernelArg {
  key: KernelParamKey;
  value: string;
  line: number;
  /** Names of the variables the argument's text came from, in order. */
  vars: string[];
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/**
 * The parameters among the kernel arguments the words make once joined by spaces, as the kernel
 * splits them (next_arg: blanks separate, "…" groups, quotes around a value are dropped).
 * stripAllQuotes: for shell assignments, whose value GRUB parses again (root='/dev/sda1' reaches the kernel unquoted).
 */
function kernelArgs(words: Word[], stripAllQuotes: boolean): KernelArg[] {
  const parts: string[] = [];
  const checkpoints: Array<[number, number]> = [];
  const spans: Array<{ name: string; start: number; end: number }> = [];
  let offset = 0;
  for (const w of words) {
    if (parts.length) {
      parts.push(' ');
      offset++;
    }
    checkpoints.push([offset, w.line]);
    w.breaks.forEach((b, k) => checkpoints.push([offset + b, w.line + k + 1]));
    for (const v of w.vars) spans.push({ name: v.name, start: offset + v.start, end: offset + v.end });
    parts.push(w.text);
    offset += w.text.length;
  }
  const s = parts.join('');
  const out: KernelArg[] = [];
  let cp = 0;
  let sp = 0;
  for (let i = 0; i < s.length;) {
    while (i < s.length && isBlank(s[i]!)) i++;
    if (i >= s.length) break;
    const begin = i;
    let inQuote = false;
    while (i < s.length && (inQuote || !isBlank(s[i]!))) {
      if (s[i] === '"') inQuote = !inQuote;
      i++;
    }
    const end = i;
    const quotedWhole = s[begin] === '"';
    const keyAt = quotedWhole ? begin + 1 : begin;
    const key = KEYS.find((k) => s.startsWith(`${k}=`, keyAt) && keyAt + k.length + 1 <= end);
    while (cp + 1 < checkpoints.length && checkpoints[cp + 1]![0] <= begin) cp++;
    while (sp < spans.length && spans[sp]!.end <= begin) sp++;
    if (!key || keyAt + key.length + 1 === end) continue;
    let value = s.slice(keyAt + key.length + 1, end);
    if (value.startsWith('"')) {
      value = value.slice(1);
      if (value.endsWith('"')) value = value.slice(0, -1);
    } else if (quotedWhole && value.endsWith('"')) value = value.slice(0, -1);
    if (stripAllQuotes) value = value.replace(/["']/g, '');
    const vars: string[] = [];
    for (let k = sp; k < spans.length && spans[k]!.start < end; k++) if (spans[k]!.end > begin && spans[k]!.end > spans[k]!.start) vars.push(spans[k]!.name);
    out.push({ key, value, line: checkpoints[cp]?.[1] ?? words[0]?.line ?? 1, vars });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Files.

/** grubenv: `name=value` lines after the header, \ escaping the next character (a newline included); # lines and padding skipped. */
export function parseGrubenv(text: string, path: string): Map<string, GrubVariable> {
  const vars = new Map<string, GrubVariable>();
  let line = 1;
  for (let i = 0; i < text.length;) {
    const startLine = line;
    let entry = '';
    while (i < text.length && text[i] !== '\n') {
      if (text[i] === '\\' && i + 1 < text.length) {
        if (text[i + 1] === '\n') line++;
        entry += text[i + 1];
        i += 2;
      } else entry += text[i++];
    }
    i++;
    line++;
    if (entry.startsWith('#')) continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (!vars.has(name)) vars.set(name, { value: entry.slice(eq + 1), path, lineNumber: startLine });
  }
  return vars;
}

/**
 * The root=, resume=, rd.lvm.lv=, rd_LVM_LV= and fips= parameters in one file, read in the file's
 * dialect (dialectOf). Linear in the text. `notes` receives what a cap left unread (lines whose
 * parameters past the per-line cap were not judged, the line where the per-file cap stopped the
 * parse) and a quote never closed.
 */
export function parseKernelParams(text: string, path: string, notes?: string[], options: ParseOptions = {}): KernelParam[] {
  // The path is shown in summaries and in remediation steps (which keep their own line breaks): a
  // directory name under /boot/efi/EFI with a newline in it must not add a line there.
  const shownPath = escapeControls(path);
  const dialect = dialectOf(path);
  const argVariables = new Set(['kernelopts', ...(options.argVariables ?? [])]);
  const lines = text.split('\n');
  const lineCache = new Map<number, string>();
  const quoted = (n: number) => {
    let l = lineCache.get(n);
    if (l === undefined) {
      l = truncateText((lines[n - 1] ?? '').replace(/\r$/, '').trim());
      lineCache.set(n, l);
    }
    return l;
  };
  const params: KernelParam[] = [];
  const cutLines: number[] = [];
  let fileCapAt: number | null = null;
  let lastLine = -1;
  let onLine = 0;
  /** false once the per-file cap is reached. */
  const add = (arg: KernelArg, extra: Partial<KernelParam> = {}): boolean => {
    if (params.length >= MAX_PARAMS_PER_FILE) {
      fileCapAt ??= arg.line;
      return false;
    }
    if (arg.line !== lastLine) {
      lastLine = arg.line;
      onLine = 0;
    }
    if (onLine >= MAX_PARAMS_PER_LINE) {
      if (cutLines[cutLines.length - 1] !== arg.line) cutLines.push(arg.line);
      return true;
    }
    onLine++;
    params.push({ path: shownPath, lineNumber: arg.line, line: quoted(arg.line), key: arg.key, value: escapeControls(truncateText(arg.value)), ...extra });
    return true;
  };
  const addAll = (args: KernelArg[], extra: (a: KernelArg) => Partial<KernelParam> = () => ({})): boolean => {
    for (const a of args) if (!add(a, extra(a))) return false;
    return true;
  };

  if (dialect === 'grubenv') {
    for (const [name, v] of parseGrubenv(text, path)) {
      if (!argVariables.has(name)) continue;
      const word: Word = { text: v.value, line: v.lineNumber, breaks: [], vars: [], quoted: false };
      if (!addAll(kernelArgs([word], false))) break;
    }
  } else if (dialect === 'bls') {
    for (let n = 1; n <= lines.length && fileCapAt === null; n++) {
      const raw = lines[n - 1]!;
      const m = /^\s*options(?=\s|$)/.exec(raw);
      if (!m) continue;
      const words = wordsOf(raw.slice(m[0].length), options.variables ?? new Map(), n);
      const viaOf = (a: KernelArg): Partial<KernelParam> => {
        const name = a.vars[0];
        const v = name !== undefined ? options.variables?.get(name) : undefined;
        return v && name !== undefined ? { via: { variable: name, path: escapeControls(v.path), lineNumber: v.lineNumber } } : {};
      };
      if (!addAll(kernelArgs(words, false), viaOf)) break;
    }
  } else {
    const spanLines = dialect !== 'menu.lst';
    eachStatement(text, spanLines, shownPath, notes, (statement) => {
      let first = 0;
      while (first < statement.length - 1 && LEADING.has(statement[first]!.text) && !statement[first]!.quoted) first++;
      const command = statement[first]!;
      let args: KernelArg[] = [];
      if (dialect === 'shell') {
        for (const w of statement.slice(first)) {
          const m = /^GRUB_CMDLINE_[A-Za-z0-9_]*=/.exec(w.text.slice(0, 64));
          if (m) for (const a of kernelArgs([sliceWord(w, m[0].length)], true)) args.push(a);
        }
      } else if (KERNEL_COMMANDS.has(command.text) && !command.quoted) {
        args = kernelArgs(statement.slice(first + 1), false);
      } else if (dialect === 'grub-script') {
        // set kernelopts="…" (RHEL 8 grub.cfg's fallback when grubenv has none) or kernelopts=…
        const assignment = command.text === 'set' && !command.quoted ? statement[first + 1] : command;
        const m = assignment ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(assignment.text.slice(0, 128)) : null;
        if (assignment && m && argVariables.has(m[1]!)) args = kernelArgs([sliceWord(assignment, m[0].length)], false);
      }
      return addAll(args);
    });
  }
  if (notes && cutLines.length) {
    const shown = cutLines.slice(0, 10).join(', ') + (cutLines.length > 10 ? ` and ${cutLines.length - 10} more` : '');
    notes.push(
      `${shownPath}: more than ${MAX_PARAMS_PER_LINE} root=/resume=/rd.lvm.lv= parameters on line(s) ${shown}; those past the ${MAX_PARAMS_PER_LINE}th were not judged`,
    );
  }
  if (notes && fileCapAt !== null) {
    notes.push(
      `${shownPath}: more than ${MAX_PARAMS_PER_FILE.toLocaleString('en-US')} root=/resume=/rd.lvm.lv= parameters; parsing stopped at line ${fileCapAt} and what follows was not judged`,
    );
  }
  return params;
}

/** Where each variable is used by a BLS entry's options ($kernelopts, ${tuned_params}): name → "path:line" list. */
export function blsVariableUses(text: string, path: string): Map<string, string[]> {
  const uses = new Map<string, Set<string>>();
  const lines = text.split('\n');
  for (let n = 1; n <= lines.length; n++) {
    const m = /^\s*options(?=\s|$)/.exec(lines[n - 1]!);
    if (!m) continue;
    // Expanding with no variables still records each reference (outside single quotes) in the words.
    for (const w of wordsOf(lines[n - 1]!.slice(m[0].length), new Map(), n)) {
      for (const v of w.vars) {
        let set = uses.get(v.name);
        if (!set) uses.set(v.name, (set = new Set()));
        set.add(`${escapeControls(path)}:${n}`);
      }
    }
  }
  return new Map([...uses].map(([name, set]) => [name, [...set]]));
}

/** usedBy as evidence: the first few places, then how many more. */
const MAX_USED_BY = 10;

export async function readGrubFacts(root: string): Promise<GrubFacts> {
  const fs = new GuestFs(root);
  const paths = [...GRUB_FILES];
  const files: GrubFacts['files'] = [];
  for (const dir of EXTRA_DIRS) {
    const { found, more } = await findConfigs(fs, dir);
    for (const p of found) paths.push(p);
    if (more > 0)
      files.push({
        path: dir,
        exists: true,
        note: `${dir}: ${(MAX_DIR_ENTRIES + more).toLocaleString('en-US')} entries; only the first ${MAX_DIR_ENTRIES.toLocaleString('en-US')} (by name) were read, the other ${more.toLocaleString('en-US')} were not judged`,
      });
  }
  const read: Array<{ path: string; text: string; notes: string[]; file: GrubFacts['files'][number] }> = [];
  const seen = new Map<string, string>();
  for (const path of paths) {
    // /boot/grub2/grubenv is a link to /boot/efi/EFI/<vendor>/grubenv on UEFI RHEL: each file is read once.
    const resolved = await fs.resolve(path);
    const already = resolved.ok ? seen.get(resolved.guest) : undefined;
    if (already !== undefined) {
      files.push({ path, exists: true, sameAs: already });
      continue;
    }
    const { text, note } = await fs.readText(path, GRUB_FILE_MAX_BYTES);
    const file: GrubFacts['files'][number] = { path, exists: text !== null };
    files.push(file);
    // The size cap and the parameter caps each leave part of the file unjudged: the file's note says which.
    const notes = note ? [note] : [];
    if (text === null) {
      if (note) file.note = note;
      continue;
    }
    if (resolved.ok) seen.set(resolved.guest, path);
    read.push({ path, text, notes, file });
  }

  // GRUB's environment (the first grubenv that sets a name wins) and where the BLS entries use it.
  const variables = new Map<string, GrubVariable>();
  const uses = new Map<string, string[]>();
  for (const { path, text } of read) {
    if (dialectOf(path) === 'grubenv') for (const [name, v] of parseGrubenv(text, path)) if (!variables.has(name)) variables.set(name, v);
    if (dialectOf(path) === 'bls') {
      for (const [name, at] of blsVariableUses(text, path)) {
        const list = uses.get(name) ?? [];
        for (const a of at) if (list.length <= MAX_USED_BY) list.push(a);
        uses.set(name, list);
      }
    }
  }
  const options: ParseOptions = { variables, argVariables: new Set(uses.keys()) };
  const params: KernelParam[] = [];
  const fromBls: KernelParam[] = [];
  for (const { path, text, notes, file } of read) {
    const dialect = dialectOf(path);
    for (const p of parseKernelParams(text, path, notes, options)) {
      if (dialect === 'bls') fromBls.push(p);
      else if (dialect === 'grubenv') {
        const name = [...uses.keys()].find((n) => variables.get(n)?.path === path && variables.get(n)?.lineNumber === p.lineNumber);
        const at = name ? uses.get(name)! : [];
        params.push(name ? { ...p, usedBy: at.length > MAX_USED_BY ? [...at.slice(0, MAX_USED_BY), 'and more'] : at } : p);
      } else params.push(p); // no push(...): a spread of a huge array overflows the stack
    }
    if (notes.length) file.note = notes.join('; ');
  }
  // A BLS argument that is a grubenv parameter already listed (kernelopts, with usedBy) is not listed twice.
  const key = (path: string, line: number, p: KernelParam) => JSON.stringify([path, line, p.key, p.value]);
  const direct = new Set(params.filter((d) => dialectOf(d.path) === 'grubenv').map((d) => key(d.path, d.lineNumber, d)));
  for (const p of fromBls) if (!(p.via && direct.has(key(p.via.path, p.via.lineNumber, p)))) params.push(p);
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

/** /etc/default/grub.d/*.cfg, grub.cfg and grubenv under /boot/efi/EFI/<vendor>/, and BLS *.conf entries. */
async function findConfigs(fs: GuestFs, dir: string): Promise<{ found: string[]; more: number }> {
  const suffix = dir.endsWith('entries') ? '.conf' : dir.endsWith('grub.d') ? '.cfg' : '';
  const all = (await fs.listOrEmpty(dir)).filter((e) => e.endsWith(suffix)).sort();
  const entries = all.slice(0, MAX_DIR_ENTRIES);
  const more = all.length - entries.length;
  if (suffix) return { found: entries.map((e) => `${dir}/${e}`), more };
  return { found: entries.flatMap((vendor) => [`${dir}/${vendor}/grub.cfg`, `${dir}/${vendor}/grubenv`]), more };
}
