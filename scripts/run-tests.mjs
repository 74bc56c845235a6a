#!/usr/bin/env node
// `npm test`: fetch and verify the models; lint, check formatting and type-check (each counts as one check); build
// the app and the library; run every suite (unit and browser) in one vitest run; close with one line
// "N passed, N failed" totalling the checks and the tests. A failed check does not stop the tests: all is reported.
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

const step = (title, command) => {
  console.log(`\n== ${title}: ${command}`);
  execSync(command, { stdio: 'inherit' });
};

/** One check: passes or fails as a whole, and the run goes on either way. */
const checks = { passed: 0, failed: 0 };
const check = (title, command) => {
  console.log(`\n== ${title}: ${command}`);
  const ok = spawnSync(command, { stdio: 'inherit', shell: true }).status === 0;
  checks[ok ? 'passed' : 'failed']++;
  if (!ok) console.log(`== ${title}: FAILED`);
};

step('models', 'node scripts/fetch-models.mjs');
check('lint', 'npx eslint .');
check('format', 'npx prettier --check .');
check('type-check (page, tests, tooling: DOM)', 'npx tsc --noEmit -p .');
check('type-check (workers and core: worker globals only, no DOM)', 'npx tsc --noEmit -p tsconfig.worker.json');

let built = true;
try {
  step('build', 'npx vite build --logLevel warn');
  step('library build', 'npx vite build --config vite.lib.config.ts --logLevel warn && npx tsc -p tsconfig.lib.json');
} catch {
  built = false; // the browser suite needs the build: nothing more can run
}

let passed = checks.passed,
  failed = checks.failed;
if (built) {
  mkdirSync('test-results', { recursive: true });
  const report = 'test-results/vitest.json';
  const extra = process.argv.slice(2);
  console.log('\n== tests: vitest run (unit + browser)');
  const run = spawnSync(
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...extra],
    { stdio: 'inherit' },
  );
  let testsFailed = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests;
    testsFailed =
      json.numFailedTests +
      (json.numRuntimeErrorTestSuites ?? 0) +
      json.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  }
  if (run.status !== 0 && testsFailed === 0) testsFailed = 1; // the runner itself failed (e.g. a suite crashed before its tests)
  failed += testsFailed;
} else {
  failed += 1;
  console.log('== build: FAILED, so no suite could run');
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
