import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { APP_VARS, CLI_ENTRY, SERVER_ARGV } from './paths';

/**
 * The environment of a spawned CLI or server: NODE_ENV=test (so .env files are ignored),
 * no NODE_OPTIONS (jest's --experimental-vm-modules is not for the compiled code), then `vars`.
 */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  // A child gets the app's variables from the test only, never from jest's shell.
  for (const name of APP_VARS) delete env[name];
  return { ...env, NODE_ENV: 'test', ...vars };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole process. */
  ms: number;
  /** When the process exited (Date.now()). */
  exitedAt: number;
}

export interface CliOptions {
  /** Written to stdin, which is then closed (closed empty when omitted: never a TTY). */
  input?: string;
  timeoutMs?: number;
}

/** Runs `node dist/src/cli/main.js ...args` to completion; killed after `timeoutMs`. */
export function runCli(
  env: Record<string, string>,
  args: string[],
  { input, timeoutMs = 60_000 }: CliOptions = {},
): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = collect(child);
  child.stdin!.on('error', () => undefined); // a command that exits without reading stdin
  child.stdin!.end(input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `CLI ${args.join(' ')} still running after ${timeoutMs} ms\n` +
            `stdout: ${out.stdout()}\nstderr: ${out.stderr()}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const exitedAt = Date.now();
      resolve({
        code,
        stdout: out.stdout(),
        stderr: out.stderr(),
        ms: exitedAt - started,
        exitedAt,
      });
    });
  });
}

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  /** Everything the server wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGKILL if still running; safe to call twice. */
  kill(): Promise<void>;
}

/**
 * Starts the production command (`node … dist/src/main.js`) on 127.0.0.1:`port` with exactly
 * `vars` (plus childEnv's).
 */
export function startServer(vars: Record<string, string>, port: number): SpawnedServer {
  const child = spawn(process.execPath, SERVER_ARGV, {
    env: childEnv({ ...vars, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = collect(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
    },
  );
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => out.stdout() + out.stderr(),
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

function collect(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return { stdout: () => stdout, stderr: () => stderr };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Calls `probe` every `intervalMs` until it returns something other than undefined;
 * throws after `timeoutMs`, with the last value or error seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 5_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'no result yet';
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until a started server answers /health/ready 200 (it has migrated); fails if it exits. */
export async function waitUntilReady(server: SpawnedServer, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    'the server to be ready',
    async () => {
      if (server.child.exitCode !== null) {
        throw new Error(`server exited with ${server.child.exitCode}: ${server.output()}`);
      }
      const res = await fetch(`${server.url}/health/ready`).catch(() => null);
      return res?.ok ? true : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}
