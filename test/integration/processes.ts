import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live processes whose command line mentions `text` (a run's work dir appears in parsec's config path and swtpm's
 * state dir), as "<pid> <cmdline>". Zombies are not counted: they hold no resources and their parent reaps them.
 */
export function processesUsing(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      if (cmdline.includes(text) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') found.push(`${pid} ${cmdline}`);
    } catch {
      continue; // the process ended while we looked
    }
  }
  return found;
}
