/**
 * Runs the whole workspace's tests once (`vitest run` with the root config, so the services of
 * scripts/test-services.ts are up) and ends with a plain summary line:
 *
 *   N passed, N failed[, N skipped]
 *
 * That line is always the very last line of output. Extra arguments go to vitest as they are,
 * e.g. `node scripts/run-tests.ts --project core` or `node scripts/run-tests.ts packages/engine`.
 *
 * "failed" counts failed tests plus test files that failed outside any test (a file that does not
 * load, a failing beforeAll/afterAll, a crashed worker). If vitest itself fails with no failure
 * counted although tests ran (e.g. an unhandled error), that counts as 1 failure. When no test ran
 * at all (no test files, a failing globalSetup such as a missing redis-server) it prints
 * `0 passed, 0 failed` and exits non-zero.
 * A run that reports skipped tests (skip, todo, or tests left out by `-t`/`.only`) fails too: the
 * project allows none, and a skipped test can hide a failure.
 * Exit code: non-zero when vitest failed, anything failed, a test was skipped, or no test ran.
 *
 * Before the summary it lists the slowest tests (SPANE_TEST_SLOWEST of them, default 5; 0 for
 * none), to compare against their timeouts; SPANE_TEST_REPORT=<file> keeps vitest's JSON report.
 *
 * Runs under Node >= 22.18 type stripping: erasable TypeScript only.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface AssertionResult {
  status: string;
  fullName?: string;
  duration?: number | null;
}
interface FileResult {
  name: string;
  status: string;
  message?: string;
  assertionResults: AssertionResult[];
}
interface JsonReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: FileResult[];
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitestBin = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
if (!fs.existsSync(vitestBin)) {
  console.error(`run-tests: ${vitestBin} is missing: run \`pnpm install\` first.`);
  console.log('0 passed, 0 failed');
  process.exit(1);
}

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-vitest-report-'));
const reportFile = path.join(reportDir, 'report.json');
const args = [
  vitestBin,
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
  ...process.argv.slice(2),
];

const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: process.env });

const forward = (signal: NodeJS.Signals) => () => {
  child.kill(signal);
};
const onInt = forward('SIGINT');
const onTerm = forward('SIGTERM');
process.on('SIGINT', onInt);
process.on('SIGTERM', onTerm);

const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
  (resolve) => {
    child.on('error', (err) => {
      console.error(`run-tests: could not start vitest: ${String(err)}`);
      resolve({ code: 1, signal: null });
    });
    child.on('exit', (c, s) => resolve({ code: c, signal: s }));
  },
);
process.off('SIGINT', onInt);
process.off('SIGTERM', onTerm);

let report: JsonReport | undefined;
try {
  report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JsonReport;
} catch {
  report = undefined;
}
if (report && process.env.SPANE_TEST_REPORT)
  fs.copyFileSync(reportFile, process.env.SPANE_TEST_REPORT);
fs.rmSync(reportDir, { recursive: true, force: true });

const vitestOk = code === 0 && signal === null;
let passed = 0;
let failed = 0;
let skipped = 0;
const notes: string[] = [];

if (report) {
  passed = report.numPassedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  failed = report.numFailedTests;
  for (const file of report.testResults) {
    const failedInside = file.assertionResults.some((a) => a.status === 'failed');
    if (file.status === 'failed' && !failedInside) {
      failed += 1;
      const rel = path.relative(root, file.name);
      notes.push(
        `run-tests: ${rel} failed outside its tests${file.message ? `: ${file.message.split('\n')[0]}` : ''}`,
      );
    }
  }
} else {
  notes.push('run-tests: vitest wrote no JSON report (it failed before or while running tests).');
}

const ranSomething = passed + failed > 0 || (report?.testResults.length ?? 0) > 0;
if (!vitestOk && failed === 0 && ranSomething) {
  failed = 1;
  notes.push(
    `run-tests: vitest exited with ${signal ? `signal ${signal}` : `code ${code}`} with no failing test counted ` +
      '(e.g. an unhandled error); counted as 1 failure.',
  );
}
if (passed + failed === 0) {
  notes.push(
    vitestOk
      ? 'run-tests: no test ran; that counts as a failed run.'
      : `run-tests: no test ran (vitest exited with ${signal ? `signal ${signal}` : `code ${code}`}; see its errors above).`,
  );
}

if (skipped > 0) {
  notes.push(
    `run-tests: ${skipped} test(s) skipped; the project allows none (no skip, only or todo), so the run fails.`,
  );
}
const exitCode = !vitestOk || failed > 0 || passed + failed === 0 || skipped > 0 ? code || 1 : 0;

const slowest = Number(process.env.SPANE_TEST_SLOWEST ?? 5);
if (report && slowest > 0) {
  const timed = report.testResults.flatMap((file) =>
    file.assertionResults.map((test) => ({
      ms: test.duration ?? 0,
      name: `${path.relative(root, file.name)} > ${test.fullName ?? ''}`,
    })),
  );
  timed.sort((a, b) => b.ms - a.ms);
  console.log(`run-tests: the ${Math.min(slowest, timed.length)} slowest tests:`);
  for (const test of timed.slice(0, slowest)) {
    console.log(`  ${(test.ms / 1000).toFixed(1).padStart(6)} s  ${test.name}`);
  }
}
for (const note of notes) console.log(note);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = exitCode;
