import { readFileSync } from 'node:fs';

const POLL_MS = 500;

function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * The npm or npx process this one runs under, if any: npm runs a script or bin through `sh -c`,
 * so it is the parent or the grandparent (`npm start` → sh → node).
 */
function npmAncestor(): number | undefined {
  try {
    let pid = process.ppid;
    for (let depth = 0; depth < 2 && pid > 1; depth++) {
      if (/(^|[\s/])np[mx](-cli\.js)?(\s|$)/.test(commandLine(pid))) return pid;
      pid = parentOf(pid);
    }
  } catch {
    // No /proc (macOS, a locked-down container): nothing to follow.
  }
  return undefined;
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * npm 11 exits on SIGTERM without passing it to the command it runs (its `sh -c` dies too), which
 * left the server holding its port after `kill <npm pid>` or a shell's `kill %1`. When npm started
 * this process and goes away, the process stops as if it had received SIGTERM itself. Only under
 * npm: a server started by a shell, nohup or a supervisor outlives its parent on purpose.
 */
export function followNpmWrapper(): void {
  if (process.platform !== 'linux') return;
  const npm = npmAncestor();
  if (npm === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent && !isGone(npm)) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, POLL_MS);
  timer.unref();
}
