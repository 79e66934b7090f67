import { BatchWriter, BatchWriterOptions } from './batch-writer';

interface Count {
  key: string;
  n: number;
}

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe(BatchWriter.name, () => {
  const logger = { warn: jest.fn(), error: jest.fn() };
  let written: Count[][];
  let write: jest.Mock<Promise<void>, [Count[]]>;

  const counters = (over: Partial<BatchWriterOptions<Count>> = {}) =>
    new BatchWriter<Count>({
      label: 'count(s)',
      intervalMs: 1_000,
      logger,
      write,
      mergeBy: { key: (c) => c.key, merge: (a, b) => ({ key: a.key, n: a.n + b.n }) },
      ...over,
    });

  beforeEach(() => {
    jest.clearAllMocks();
    written = [];
    write = jest.fn(async (batch: Count[]) => {
      written.push(batch.map((c) => ({ ...c })));
    });
  });

  afterEach(() => jest.useRealTimers());

  it('merges items of one key while they wait', async () => {
    const sut = counters();
    sut.add({ key: 'a', n: 1 });
    sut.add({ key: 'b', n: 1 });
    sut.add({ key: 'a', n: 1 });
    await sut.flush();
    expect(written).toEqual([
      [
        { key: 'a', n: 2 },
        { key: 'b', n: 1 },
      ],
    ]);
  });

  it('keeps a failed batch, merged with newer items, for the next flush', async () => {
    const sut = counters();
    write.mockRejectedValueOnce(new Error('database down'));
    sut.add({ key: 'a', n: 1 });
    sut.add({ key: 'b', n: 1 });
    await sut.flush();
    expect(logger.warn).toHaveBeenCalledWith(
      '2 count(s) not written yet, will retry: database down',
    );
    sut.add({ key: 'a', n: 5 });
    sut.add({ key: 'c', n: 1 });
    await sut.flush();
    expect(written).toEqual([
      [
        { key: 'a', n: 6 },
        { key: 'b', n: 1 },
        { key: 'c', n: 1 },
      ],
    ]);
    expect(sut.size).toBe(0);
  });

  it('puts failed unkeyed items back before newer ones, in order', async () => {
    const sut = counters({ mergeBy: undefined });
    write.mockRejectedValueOnce(new Error('down'));
    sut.add({ key: 'a', n: 1 });
    sut.add({ key: 'a', n: 2 });
    await sut.flush();
    sut.add({ key: 'a', n: 3 });
    await sut.flush();
    expect(written).toEqual([[1, 2, 3].map((n) => ({ key: 'a', n }))]);
  });

  it('does not write when nothing is pending, on flush or on the interval', async () => {
    jest.useFakeTimers();
    const sut = counters();
    sut.start();
    await sut.flush();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(write).not.toHaveBeenCalled();
    sut.add({ key: 'a', n: 1 });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(written).toEqual([[{ key: 'a', n: 1 }]]);
    await sut.close();
  });

  it('writes what is left at close, trying a bounded number of times', async () => {
    const sut = counters({ shutdownAttempts: 3 });
    sut.start();
    write.mockRejectedValueOnce(new Error('blip')).mockRejectedValueOnce(new Error('blip'));
    sut.add({ key: 'a', n: 1 });
    await sut.close();
    expect(write).toHaveBeenCalledTimes(3);
    expect(written).toEqual([[{ key: 'a', n: 1 }]]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('gives up after the last attempt at close and says how much is lost', async () => {
    const sut = counters({ shutdownAttempts: 2 });
    write.mockRejectedValue(new Error('gone'));
    sut.add({ key: 'a', n: 1 });
    sut.add({ key: 'b', n: 1 });
    await sut.close();
    expect(write).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledWith('Lost 2 count(s) at shutdown');
  });

  it('waits at close for a write under way, then writes what came meanwhile', async () => {
    const sut = counters();
    const slow = deferred();
    write.mockImplementationOnce(async (batch) => {
      await slow.promise;
      written.push(batch.map((c) => ({ ...c })));
    });
    sut.add({ key: 'a', n: 1 });
    void sut.flush();
    await Promise.resolve();
    sut.add({ key: 'b', n: 1 });
    const closed = sut.close();
    slow.resolve();
    await closed;
    expect(written).toEqual([[{ key: 'a', n: 1 }], [{ key: 'b', n: 1 }]]);
  });

  it('never runs two writes at once, and calls made meanwhile share one queued flush', async () => {
    const sut = counters();
    let running = 0;
    let maxRunning = 0;
    const gates = [deferred(), deferred()];
    write.mockImplementation(async (batch) => {
      maxRunning = Math.max(maxRunning, ++running);
      await gates[written.length].promise;
      written.push(batch.map((c) => ({ ...c })));
      running--;
    });
    sut.add({ key: 'a', n: 1 });
    const first = sut.flush();
    await Promise.resolve();
    sut.add({ key: 'b', n: 1 });
    const second = sut.flush();
    sut.add({ key: 'c', n: 1 });
    const third = sut.flush();
    expect(third).toBe(second);
    gates[0].resolve();
    await first;
    gates[1].resolve();
    await second;
    expect(maxRunning).toBe(1);
    expect(written).toEqual([
      [{ key: 'a', n: 1 }],
      [
        { key: 'b', n: 1 },
        { key: 'c', n: 1 },
      ],
    ]);
  });

  it('writes in batches of at most maxBatch, counting a batch under way as not written', async () => {
    const sut = counters({ mergeBy: undefined, maxBatch: 2 });
    const seen: number[] = [];
    write.mockImplementation(async (batch) => {
      seen.push([...sut.items()].length);
      written.push(batch);
    });
    for (let n = 1; n <= 5; n++) sut.add({ key: 'a', n });
    await sut.flush();
    expect(written.map((b) => b.map((c) => c.n))).toEqual([[1, 2], [3, 4], [5]]);
    expect(seen).toEqual([5, 3, 1]);
  });

  it('writes only what was pending when a flush began', async () => {
    const sut = counters({ mergeBy: undefined, maxBatch: 1 });
    let n = 10;
    write.mockImplementation(async (batch) => {
      written.push(batch);
      sut.add({ key: 'late', n: n++ });
    });
    sut.add({ key: 'a', n: 1 });
    sut.add({ key: 'a', n: 2 });
    await sut.flush();
    expect(written).toHaveLength(2);
    expect(sut.size).toBe(2);
  });
});
