'use strict';
// Starts one of the bench's helper servers (bare devis server, loopback LLM provider, bare LLM
// proxy) as a child process: the file listens on a free port of 127.0.0.1 and sends
// { ready: port } over IPC. Its own process keeps its event loop and CPU apart from the bench's.
const { fork } = require('node:child_process');

/**
 * Forks `file` with `env` added to this process's environment; resolves with
 * { baseUrl, pid, output(), stop() } once it listens. `nodeArgs` (e.g. BENCH_SERVER_NODE_ARGS)
 * let a --cpu-prof run profile it too.
 */
async function startChildServer(file, { label, env = {}, nodeArgs = [], timeoutMs = 15_000 } = {}) {
  const child = fork(file, [], {
    env: { ...process.env, ...env },
    execArgv: nodeArgs,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (c) => (output = (output + c).slice(-16_384));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exit = null;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve((exit = { code, signal }))),
  );
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${label} not ready after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m.ready);
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited during start (${JSON.stringify(e)}): ${output}`));
    });
  }).catch((err) => {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw err;
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (!exit) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      return exit;
    },
  };
}

module.exports = { startChildServer };
