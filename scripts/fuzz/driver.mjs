// Runs a fuzzer's cases [from, to) in child processes: each child prints "S <i>" before case i
// and "R <i> <status> <detail>" after it. A child that dies is a crash at the last started case
// (its signal recorded); one that prints nothing for `timeoutMs` is a hang there (it is killed).
// Either way the run goes on in a new child from the next case, so one bad case costs one case.
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads "--name value" pairs and bare "--flag"s. */
export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else {
      out[key] = /^-?\d+$/.test(next) ? Number(next) : next;
      i++;
    }
  }
  return out;
}

const TS_LOADER = ['--import', join(root, 'scripts', 'register-ts.mjs')];

function runChild(script, childArgs, env, timeoutMs, nodeArgs, onLine) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...childArgs], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '',
      stderr = '',
      timedOut = false,
      timer;
    const arm = (ms) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, ms);
    };
    arm(timeoutMs + 300_000); // the first case waits for the library to load (slow on a busy machine)
    child.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (/^[SR] \d+/.test(line)) {
          onLine(line);
          arm(timeoutMs); // progress: each case gets timeoutMs
        } else {
          stderr = (stderr + line + '\n').slice(-4000); // anything else the library printed
        }
      }
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderr });
    });
  });
}

/**
 * Runs cases [from, to) of `script` (children get --child --from --to plus childArgs; node gets
 * nodeArgs, by default the TypeScript loader so children can import lib/) and
 * returns { results: Map<i, {status, detail}>, crashes: [{i, signal, code, stderr}], hangs: [i] }.
 */
export async function runCases({
  script,
  childArgs = [],
  env = {},
  from,
  to,
  timeoutMs = 10_000,
  nodeArgs = TS_LOADER,
  onResult = () => {},
}) {
  const results = new Map();
  const crashes = [];
  const hangs = [];
  let start = from;
  let startFailures = 0;
  while (start < to) {
    let last = -1;
    const exit = await runChild(
      script,
      ['--child', '--from', String(start), '--to', String(to), ...childArgs],
      env,
      timeoutMs,
      nodeArgs,
      (line) => {
        const [tag, i, status, ...rest] = line.split(' ');
        if (tag === 'S') last = Number(i);
        else if (tag === 'R') {
          const r = { status, detail: rest.join(' ') };
          results.set(Number(i), r);
          onResult(Number(i), r);
        }
      },
    );
    const finished = last >= 0 && results.has(last) && last === to - 1;
    if (exit.code === 0 && !exit.timedOut && (finished || (last < 0 && start >= to))) break;
    if (exit.code === 0 && !exit.timedOut && last >= 0 && results.has(last)) break; // the child stopped early on purpose
    if (last < 0) {
      // Died before its first case: a set-up failure (or a kill from outside), not a finding of
      // any case. Try again a few times before giving up.
      if (++startFailures <= 3) {
        process.stderr.write(
          `fuzz child died before its first case (code ${exit.code}, signal ${exit.signal}, timed out: ${exit.timedOut}); restarting\n${exit.stderr}`,
        );
        continue;
      }
      throw new Error(`fuzz child failed to start (code ${exit.code}, signal ${exit.signal}):\n${exit.stderr}`);
    }
    if (exit.timedOut) hangs.push(last);
    else
      crashes.push({
        i: last,
        signal: exit.signal,
        code: exit.code,
        stderr: exit.stderr.split('\n').slice(-8).join('\n'),
      });
    start = last + 1;
  }
  return { results, crashes, hangs };
}

/** Writes one protocol line synchronously (it must reach the parent before a crash). */
export function emit(line) {
  // stdout is a non-blocking pipe: when the parent falls behind, a write fails with EAGAIN (or
  // writes part of the line). Wait a moment and write the rest.
  const bytes = Buffer.from(line + '\n');
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(1, bytes, done, bytes.length - done);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
