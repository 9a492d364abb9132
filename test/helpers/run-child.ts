/**
 * A training or loading process for the reliability tests (test/runs/reliability.test.ts), run as
 *   node -r ./test/helpers/inject.cjs --import tsx test/helpers/run-child.ts '<json>'
 * with json = { cmd: 'train' | 'load', dir, config?, allowDataChange?, killAtStep? } and the
 * tiny deps of ./tiny-run.ts. Prints result.json (train) or the test metrics (load) as JSON on
 * stdout and messages on stderr; a DataError prints its message, without a stack, and exits 2,
 * as the CLI does. killAtStep sends SIGKILL to itself right after that optimizer step (mid-epoch).
 */
import { loadRun, trainRun, type RunConfigInput } from '../../lib/runs/run';
import { tinyEvaluate } from '../train/tiny';
import { TINY_CONFIG, TINY_DEPS } from './tiny-run';

interface ChildArgs {
  readonly cmd: 'train' | 'load';
  readonly dir: string;
  readonly config?: RunConfigInput;
  readonly allowDataChange?: boolean;
  readonly killAtStep?: number;
}

async function main(args: ChildArgs): Promise<void> {
  const log = (m: string) => process.stderr.write(`${args.cmd}: ${m}\n`);
  if (args.cmd === 'train') {
    const result = await trainRun(args.config ?? TINY_CONFIG, args.dir, {
      deps: TINY_DEPS, log, allowDataChange: args.allowDataChange,
      onStep: (s) => {
        if (s.step === args.killAtStep) process.kill(process.pid, 'SIGKILL');
      },
    });
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const run = await loadRun(args.dir, TINY_DEPS, { log, allowDataChange: args.allowDataChange });
  const { metrics } = await tinyEvaluate(run.model, run.split, { split: 'test' });
  run.model.dispose();
  process.stdout.write(JSON.stringify(metrics) + '\n');
}

main(JSON.parse(process.argv[2]) as ChildArgs).catch((err: Error) => {
  process.stderr.write(err.name === 'DataError' ? `error: ${err.message}\n` : `${err.stack}\n`);
  process.exit(err.name === 'DataError' ? 2 : 1);
});
