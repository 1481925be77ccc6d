// Boot files read the way GRUB reads them. The real grubenv and BLS entry are fixtures (linux/boot,
// see test/fixtures/SOURCES.md); the lines naming /dev/sda2 are hand-written in those formats.
import { readFileSync } from 'node:fs';
import { fixture } from './paths';

const bootFixture = (name: string) => readFileSync(fixture('linux', 'boot', name), 'utf8');
export const GRUBENV = bootFixture('grubenv-rhel-8.4-lvm-kernelopts.insights-core');
export const BLS = bootFixture('bls-entry-rocky-8.5-options-kernelopts.rocky-docs.conf');
export const BLS_PATH = '/boot/loader/entries/6fa25ca775f64accb0d3e53f0e4e6e92-6.5.7-custom.conf';
export const UUID = '5d3a9c1e-0000-4000-8000-0000000000aa';
/** The recorded grubenv with its kernelopts root= changed, padding kept at 1,024 bytes. */
export const grubenvWith = (root: string) => {
  const text = GRUBENV.replace('root=/dev/mapper/root_vg-lv_root', `root=${root}`);
  const body = text.replace(/#+$/, '');
  return body + '#'.repeat(Math.max(0, 1024 - Buffer.byteLength(body)));
};
