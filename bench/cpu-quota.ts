// Runs Chromium under a CPU quota (a Linux cgroup-v1 "cpu" group), to stand in for a slower phone CPU.
// Why not CDP: Emulation.setCPUThrottlingRate slows a page's main thread only; worker targets refuse it
// ("Operation is only supported for pages, not workers"), and this app's work runs in workers. A quota caps the CPU
// time of every Chromium process and thread together (browser, renderer, workers, wasm threads); it can change
// while the browser runs, so one run measures the same workload with and without it. The group also gets a high CPU
// weight, so other load on the machine does not push Chromium below its quota: the quota, not the neighbours, sets
// its speed (and unthrottled, it runs near this machine's full speed).
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const CPU_CGROUP = '/sys/fs/cgroup/cpu';
/** A short period, so a throttled process waits a few ms at a time (as a slow CPU would), not 100 ms bursts. */
const PERIOD_US = 10_000;
/** cpu.shares: 8x a default process's weight. */
const WEIGHT = 8192;

export interface CpuQuota {
  /** Give to playwright as executablePath: puts itself in the group, then runs Chromium. */
  executablePath: string;
  /** Cores' worth of CPU time per second for all of Chromium together; null lifts the cap. */
  set(cores: number | null): void;
  /** Processes in the group (Chromium's browser, renderers, GPU and utility processes). */
  pids(): number[];
  /** Removes the group and the wrapper; call after the browser has closed. */
  remove(): void;
}

export function createCpuQuota(chromium: string): CpuQuota {
  if (!existsSync(join(CPU_CGROUP, 'cpu.cfs_quota_us')))
    throw new Error(`no cgroup-v1 cpu controller at ${CPU_CGROUP}: cannot cap Chromium's CPU here`);
  const group = join(CPU_CGROUP, `facelocal-phone-${process.pid}`);
  mkdirSync(group);
  writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
  writeFileSync(join(group, 'cpu.shares'), String(WEIGHT));
  // If this process is stopped before remove(), the group is left empty; try once more on the way out.
  process.once('exit', () => {
    try {
      rmdirSync(group);
    } catch {
      /* removed already, or not empty */
    }
  });
  const wrapper = join(mkdtempSync(join(tmpdir(), 'facelocal-quota-')), 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\necho $$ > ${group}/cgroup.procs\nexec ${chromium} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return {
    executablePath: wrapper,
    set(cores) {
      writeFileSync(
        join(group, 'cpu.cfs_quota_us'),
        cores === null ? '-1' : String(Math.max(1000, Math.round(cores * PERIOD_US))),
      );
    },
    pids: () => readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number),
    remove() {
      // A group can only go once it is empty; anything left (a crashed child) moves back to the root.
      for (const pid of readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
        try {
          writeFileSync(join(CPU_CGROUP, 'cgroup.procs'), pid);
        } catch {
          /* gone already */
        }
      }
      rmdirSync(group);
      rmSync(dirname(wrapper), { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system) the given processes have used so far. */
export function cpuSeconds(pids: number[]): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      /* the process ended */
    }
  }
  return total;
}

/**
 * CPU seconds so far per kind of thread: "renderer/DedicatedWorker thread", "browser/ThreadPoolForeg"… (process type
 * from the command line, thread name from the kernel, digits dropped), to say where a workload's CPU goes.
 */
export function cpuSecondsByThread(pids: number[]): Map<string, number> {
  const byKind = new Map<string, number>();
  for (const pid of pids) {
    try {
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
          const name = stat
            .slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
            .replace(/\d+/g, '')
            .trim();
          const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
          const key = `${type}/${name}`;
          byKind.set(key, (byKind.get(key) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
        } catch {
          /* the thread ended */
        }
      }
    } catch {
      /* the process ended */
    }
  }
  return byKind;
}

/** Peak resident memory (VmHWM, MB) of each renderer process among the pids: a tab's page and its workers. */
export function rendererPeaksMB(pids: number[]): Map<number, number> {
  const peaks = new Map<number, number>();
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peaks.set(pid, Number(hwm[1]) / 1024);
    } catch {
      /* the process ended */
    }
  }
  return peaks;
}
