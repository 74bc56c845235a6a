#!/usr/bin/env node
// Runs before `npm start`, `npm run dev` and `npm test`, so the README's commands work on a plain clone of a fresh
// machine: installs the npm dependencies when they are missing, and (with --browser) Debian's Chromium for the
// browser tests. Uses only Node's built-ins, since it runs before anything is installed.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (command) => {
  console.log(`ensure-setup: ${command}`);
  execSync(command, { stdio: 'inherit' });
};

if (!existsSync('node_modules/.package-lock.json')) run('npm ci --no-audit --no-fund');

if (process.argv.includes('--browser')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    if (root && existsSync('/usr/bin/apt-get')) {
      run('apt-get update -qq');
      run('DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
    } else {
      console.error(
        `ensure-setup: Chromium not found at ${chromium}. Install Debian's chromium (sudo apt-get install chromium) or set CHROMIUM_PATH.`,
      );
      process.exit(1);
    }
  }
}
