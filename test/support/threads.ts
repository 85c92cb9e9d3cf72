import fs from 'node:fs';

/** Whether this system names threads where threadNames reads them (Linux). */
export const THREAD_NAMES_READABLE = fs.existsSync('/proc/thread-self/comm');

/** The names of this process's threads, as `top -H` and `ps -L` show them (Linux). */
export function threadNames(): string[] {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    try {
      return fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    } catch {
      return ''; // ended meanwhile
    }
  });
}
