// Adds up vitest's and Playwright's JSON reports into the one line CI reads: `N passed, N failed`.
// A stage that did not produce its report (e.g. `npm run check` failed first) counts as one failure.
import fs from 'node:fs';

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

let passed = 0;
let failed = 0;

const vitest = read('.e2e/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += (vitest.numFailedTests ?? 0) + (vitest.numRuntimeErrorTestSuites ?? 0);
} else failed += 1;

const pw = read('.e2e/results.json');
if (pw?.stats) {
  passed += (pw.stats.expected ?? 0) + (pw.stats.flaky ?? 0);
  failed += pw.stats.unexpected ?? 0;
} else failed += 1;

console.log(`${passed} passed, ${failed} failed`);
