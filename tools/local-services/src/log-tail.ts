import fs from 'node:fs';

/** The last `lines` lines of a log file, or `(no log)`: what a startup error shows. */
export function logTail(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
