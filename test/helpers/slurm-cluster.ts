/**
 * A one-node Slurm cluster on localhost for tests, all of it in a temp folder: its own
 * slurm.conf (clients find it through SLURM_CONF), state, spool and log folders, free TCP ports,
 * and its own munged (a fresh key, its own socket) running as the `munge` user. slurmctld and
 * slurmd run as root in the foreground as children of the test, so `stop()` ends exactly the
 * processes this helper started, plus any job step left behind by them.
 *
 * The recipe (Debian 12, Slurm 22.05; /work/shared/DESIGN.md "Slurm runs here"): SlurmUser=root,
 * auth/munge, proctrack/linuxproc, task/none, select/cons_tres with memory consumable and a
 * default of DefMemPerCPU (else every task takes the node's whole memory and tasks never run
 * side by side), no accounting, the node line printed by `slurmd -C`, one partition.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How to get the daemons and clients on Debian. */
export const SLURM_INSTALL = 'apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge';

const BINARIES = ['sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo', 'slurmctld', 'slurmd', 'munged', 'setpriv'];

/** The absolute path of a program, searching PATH and the sbin folders. */
function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs.filter((d) => d.startsWith('/')).map((d) => join(d, name)).find((p) => existsSync(p));
}

/** Why the cluster cannot start here (a missing program, not root), or undefined. */
export function slurmMissing(): string | undefined {
  const absent = BINARIES.filter((b) => !which(b));
  if (absent.length > 0) return `${absent.join(', ')} not found. Install: sudo ${SLURM_INSTALL}`;
  if (process.getuid?.() !== 0) return 'the one-node test cluster runs slurmctld and slurmd as root (SlurmUser=root): run the test as root';
  if (!/^munge:/m.test(readFileSync('/etc/passwd', 'utf8'))) return `no munge user. Install: sudo ${SLURM_INSTALL}`;
  return undefined;
}

export interface SlurmCluster {
  /** The temp folder holding everything. */
  readonly dir: string;
  /** Its slurm.conf: set SLURM_CONF to this for sbatch, squeue, scontrol. */
  readonly conf: string;
  readonly partition: string;
  /** Cancel all jobs, stop the daemons, kill stragglers, delete the folder; returns the stragglers killed. */
  stop(): Promise<string[]>;
  /** Processes of this cluster still alive (daemons, job steps, tasks): "pid cmdline". */
  processes(): string[];
  /** The last lines of the daemons' logs (for a failure message). */
  logTail(): string;
}

/** A TCP port free right now on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function mungeIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('munge:'))!;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ok: () => boolean, timeoutMs: number, detail: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`slurm test cluster: ${what} within ${timeoutMs / 1000} s.\n${detail()}`);
    await sleep(200);
  }
}

/** slurm.conf of the cluster in `dir`. */
function slurmConf(dir: string, ctldPort: number, slurmdPort: number, partition: string): string {
  const nodeLine = spawnSync(which('slurmd')!, ['-C'], { encoding: 'utf8' }).stdout.split('\n')[0].trim(); // NodeName=<hostname -s> CPUs=...
  const host = /^NodeName=(\S+)/.exec(nodeLine)?.[1];
  if (!host) throw new Error(`slurmd -C printed no node line: '${nodeLine}'`);
  return [
    'ClusterName=lsrmtest',
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${slurmdPort}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${dir}/munge/munge.sock`,
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/log/slurmctld.log`,
    `SlurmdLogFile=${dir}/log/slurmd.log`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core_Memory',
    'DefMemPerCPU=512',
    'AccountingStorageType=accounting_storage/none',
    'JobAcctGatherType=jobacct_gather/none',
    'JobCompType=jobcomp/none',
    'MpiDefault=none',
    'ReturnToService=2',
    'KillWait=5',
    `${nodeLine} NodeAddr=127.0.0.1 State=UNKNOWN`,
    `PartitionName=${partition} Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n');
}

/** Start munged as `munge` with a fresh key and its own socket under dir/munge. */
function startMunge(dir: string): ChildProcess {
  const m = join(dir, 'munge');
  mkdirSync(m);
  writeFileSync(join(m, 'munge.key'), randomBytes(1024), { mode: 0o400 });
  const { uid, gid } = mungeIds();
  for (const p of [m, join(m, 'munge.key')]) chownSync(p, uid, gid);
  chmodSync(m, 0o711); // munged requires execute permission for all on its socket's folder
  const args = ['--reuid=munge', '--regid=munge', '--init-groups', which('munged')!, '--foreground',
    `--socket=${m}/munge.sock`, `--key-file=${m}/munge.key`, `--log-file=${m}/munged.log`, `--pid-file=${m}/munged.pid`, `--seed-file=${m}/munged.seed`];
  return spawn(which('setpriv')!, args, { stdio: 'ignore' }); // setpriv execs: the child's pid is munged's
}

/** The pids whose command line or environment names `dir` (this cluster's files or SLURM_CONF). */
function processesOf(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cmd.includes(dir) || env.includes(`SLURM_CONF=${dir}/`)) out.push(`${pid} ${cmd}`);
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Send SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Start the cluster and wait until its node is idle (a few seconds).
 * @throws with the daemons' log tails when it does not come up within 30 s
 */
export async function startSlurmCluster(partition = 'lsrm'): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-slurm-'));
  chmodSync(dir, 0o755); // munged (user munge) must reach dir/munge
  for (const sub of ['state', 'spool', 'log']) mkdirSync(join(dir, sub));
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, slurmConf(dir, await freePort(), await freePort(), partition));
  const env = { ...process.env, SLURM_CONF: conf };
  const children: ChildProcess[] = [];
  const logTail = () => ['munge/munged.log', 'log/slurmctld.log', 'log/slurmd.log', 'daemons.out'].map((f) => {
    const p = join(dir, f);
    return existsSync(p) ? `--- ${f}\n${readFileSync(p, 'utf8').split('\n').slice(-15).join('\n')}` : `--- ${f}: none`;
  }).join('\n');
  const cluster: SlurmCluster = {
    dir, conf, partition, logTail,
    processes: () => processesOf(dir),
    async stop() {
      spawnSync(which('scancel')!, [`--user=${process.getuid?.()}`], { env, timeout: 10_000 });
      const queueEmpty = () => spawnSync(which('squeue')!, ['--noheader'], { env, encoding: 'utf8', timeout: 10_000 }).stdout?.trim() === '';
      await waitFor('the cancelled jobs to end', queueEmpty, 20_000, logTail).catch(() => undefined);
      for (const child of [...children].reverse()) await stopChild(child, 10_000); // slurmd, slurmctld, munged
      const stragglers = processesOf(dir);
      for (const line of stragglers) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      return stragglers;
    },
  };
  const out = openSync(join(dir, 'daemons.out'), 'a');
  try {
    children.push(startMunge(dir));
    await waitFor('munged to create its socket', () => existsSync(join(dir, 'munge', 'munge.sock')), 10_000, logTail);
    for (const daemon of ['slurmctld', 'slurmd']) {
      children.push(spawn(which(daemon)!, ['-D'], { env, stdio: ['ignore', out, out] }));
    }
    const sinfo = () => spawnSync(which('sinfo')!, ['--noheader', '--Node', '--format=%T'], { env, encoding: 'utf8', timeout: 5_000 }).stdout?.trim();
    await waitFor('the node to become idle', () => sinfo() === 'idle', 30_000, () => `sinfo: ${sinfo()}\n${logTail()}`);
  } catch (err) {
    await cluster.stop();
    throw err;
  } finally {
    closeSync(out);
  }
  return cluster;
}
