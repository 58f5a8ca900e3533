// Where the machine's CPU goes during a scenario (Linux /proc; every reader returns null
// elsewhere): the whole machine, the server process, this process (the load generator) and
// PostgreSQL's processes.
import fs from 'node:fs';

const CLK_TCK = 100; // USER_HZ

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
function machine(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user…steal; guest is inside user
    const idle = v[3] + (v[4] ?? 0);
    return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
  } catch {
    return null;
  }
}

/** CPU seconds of one process; with `children`, also of its reaped children (cutime, cstime). */
function processSeconds(pid: number | string, children = false): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    const own = Number(f[11]) + Number(f[12]);
    return (children ? own + Number(f[13]) + Number(f[14]) : own) / CLK_TCK;
  } catch {
    return null;
  }
}

/**
 * All processes named "postgres" (the local server). A backend that exits moves its time to the
 * postmaster's cutime when reaped, so counting children keeps the sum roughly monotonic.
 */
function postgresSeconds(): number | null {
  try {
    let sum = 0;
    let found = false;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let comm: string;
      try {
        comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        continue;
      }
      if (comm !== 'postgres') continue;
      const s = processSeconds(pid, true);
      if (s !== null) {
        sum += s;
        found = true;
      }
    }
    return found ? sum : null;
  } catch {
    return null;
  }
}

export interface CpuSample {
  at: number;
  machine: { busy: number; total: number } | null;
  server: number | null;
  self: number;
  postgres: number | null;
}

export function sampleCpu(serverPid: number | undefined): CpuSample {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machine(),
    server: serverPid ? processSeconds(serverPid) : null,
    self: (u.user + u.system) / 1e6,
    postgres: postgresSeconds(),
  };
}

/** Cores used on average between two samples (1.0 = one core fully busy). */
export interface CpuUse {
  cores: number | null;
  machineBusy: number | null;
  server: number | null;
  loadGenerator: number;
  postgres: number | null;
  /** Busy cores not explained by the three above: other work on the machine skews the figures. */
  other: number | null;
}

export function cpuBetween(a: CpuSample, b: CpuSample): CpuUse {
  const wall = (b.at - a.at) / 1000;
  const per = (x: number | null, y: number | null) => (x === null || y === null ? null : Math.round(((y - x) / wall) * 100) / 100);
  const m = a.machine && b.machine ? b.machine.total - a.machine.total : null;
  const machineBusy = m === null || !a.machine || !b.machine ? null : Math.round(((b.machine.busy - a.machine.busy) / wall) * 100) / 100;
  const server = per(a.server, b.server);
  const loadGenerator = per(a.self, b.self)!;
  const postgres = per(a.postgres, b.postgres);
  const other = machineBusy === null ? null : Math.max(0, Math.round((machineBusy - (server ?? 0) - loadGenerator - (postgres ?? 0)) * 100) / 100);
  return { cores: m === null ? null : Math.round(m / wall), machineBusy, server, loadGenerator, postgres, other };
}

/** Busy cores over `ms` while this harness idles: what else is running on the machine. */
export async function backgroundLoad(ms = 1000): Promise<CpuUse> {
  const a = sampleCpu(undefined);
  await new Promise((r) => setTimeout(r, ms));
  return cpuBetween(a, sampleCpu(undefined));
}
