/** What both whole-network test files keep across their steps: step timings and whether the network came up. */
import * as assert from 'uvu/assert';

export function testSession() {
  const timings: Array<[string, number]> = [];
  let networkUp = false;
  return {
    async timed<T>(what: string, run: () => Promise<T>): Promise<T> {
      const started = Date.now();
      try {
        return await run();
      } finally {
        timings.push([what, Date.now() - started]);
      }
    },
    markNetworkUp(): void { networkUp = true; },
    /** Later steps need the network the first one started: without it they fail with this, not with a cascade of odd errors. */
    requireNetwork(): void {
      assert.ok(networkUp, 'npm start did not bring the network up (see the first failure)');
    },
    timingsText: (): string => timings.map(([what, ms]) => `${what} ${(ms / 1000).toFixed(1)} s`).join(', '),
  };
}
