#!/usr/bin/env node
// `npm test`: fetch and verify the models, type-check, build the app, then run every suite (unit and browser)
// in one vitest run, and close with one line "N passed, N failed" totalling them all.
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

const step = (title, command) => {
  console.log(`\n== ${title}: ${command}`);
  execSync(command, { stdio: 'inherit' });
};

step('models', 'node scripts/fetch-models.mjs');
step('type-check (page, tests, tooling: DOM)', 'npx tsc --noEmit -p .');
step('type-check (workers and core: worker globals only, no DOM)', 'npx tsc --noEmit -p tsconfig.worker.json');
step('build', 'npx vite build --logLevel warn');
step('library build', 'npx vite build --config vite.lib.config.ts --logLevel warn && npx tsc -p tsconfig.lib.json');

mkdirSync('test-results', { recursive: true });
const report = 'test-results/vitest.json';
const extra = process.argv.slice(2);
console.log('\n== tests: vitest run (unit + browser)');
const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...extra], { stdio: 'inherit' });

let passed = 0, failed = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0) + json.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
}
if (run.status !== 0 && failed === 0) failed = 1; // the runner itself failed (e.g. a suite crashed before its tests)
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
