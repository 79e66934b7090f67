'use strict';
// Serving a bench's minimal Nest app as a child process (the NestJS floors): no x-powered-by or
// ETag (the app has neither), listen on a free port of 127.0.0.1, tell the parent over IPC
// ({ ready: port }), and on SIGTERM/SIGINT or the parent going away close it, then `cleanup`.

/** Listens with `app` (a created Nest application); resolves once the parent has the port. */
async function serveNestApp(app, cleanup = async () => undefined) {
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  express.disable('etag');
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    app
      .close()
      .then(cleanup)
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop); // the bench died: do not linger
  process.send?.({ ready: server.address().port });
}

/** Runs `main` and exits non-zero with its stack when it fails. */
function runMain(label, main) {
  main().catch((err) => {
    process.stderr.write(`${label}: ${err.stack}\n`);
    process.exit(1);
  });
}

module.exports = { runMain, serveNestApp };
