'use strict';
// Undo steps (stop the server, drop the database, …) run last-in first-out, exactly once,
// whether the bench ends normally, fails, or is interrupted with Ctrl-C / SIGTERM.

class Cleanup {
  constructor(log) {
    this.log = log;
    this.steps = [];
    this.running = null;
    this.interruptHooks = [];
    /** Set on Ctrl-C: the main flow should stop reporting the errors that follow. */
    this.interrupted = false;
  }

  /** Registers an undo step; the returned function runs it now (and only once) and returns its result. */
  defer(label, fn) {
    const step = { label, fn };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i === -1) return;
      this.steps.splice(i, 1);
      return fn();
    };
  }

  /** Called first on Ctrl-C, e.g. to stop a load run that would otherwise keep going. */
  onInterrupt(fn) {
    this.interruptHooks.push(fn);
  }

  runAll() {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const { label, fn } = this.steps.pop();
        try {
          await fn();
        } catch (err) {
          this.log(`cleanup: ${label} failed: ${err.message}`);
        }
      }
    })();
    return this.running;
  }

  /** Ctrl-C or SIGTERM: undo everything, then exit 130 / 143. A second signal exits at once. */
  handleSignals() {
    const onSignal = (signal) => {
      if (this.interrupted) {
        this.log(`${signal} again: exiting without finishing cleanup`);
        process.exit(1);
      }
      this.interrupted = true;
      this.log(`${signal} received: cleaning up (press Ctrl-C again to abandon)`);
      for (const hook of this.interruptHooks) hook();
      void this.runAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}

module.exports = { Cleanup };
