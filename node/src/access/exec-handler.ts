import { ACCESS_LIMITS, EXEC_PROTOCOL, decodeExecRequest, encodeExecResult } from '@decloud/sdk/access/index';
import { derivedSignal } from '@decloud/sdk/net/abort';
import { AccessRefusal } from './access-refusal.js';
import { authenticate } from './challenge-handshake.js';
import type { AccessHandler } from './handler-context.js';
import { runningContainer } from './running-container.js';

/**
 * `/decloud/exec/1.0.0`: one command, its exit code and output. The engine cannot kill an
 * exec, so a renter that leaves, or a command past the time limit, only detaches: the
 * process runs on inside the container's own limits.
 */
export const serveExec: AccessHandler = async (stream, { c, init, handshake }) => {
  const { lease, request } = await authenticate(stream, EXEC_PROTOCOL, handshake, decodeExecRequest);
  const container = await runningContainer(c.leases, lease);
  const limit = AbortSignal.timeout(init.execTimeoutMs);
  const env = request.env && Object.keys(request.env).length > 0 ? { env: request.env } : {};
  let result;
  try {
    result = await c.runtime.exec(container, request.cmd, { ...env, maxOutputBytes: ACCESS_LIMITS.maxExecOutputBytes, signal: derivedSignal(undefined, stream.signal, limit) });
  } catch (err) {
    if (!limit.aborted) throw err;
    throw new AccessRefusal('TIMEOUT', `the command ran longer than ${init.execTimeoutMs / 1000} s and may still run in the container: start long jobs in the background (sh -c "job > /tmp/job.log 2>&1 &") and poll`);
  }
  await stream.write(encodeExecResult(result));
  await stream.end();
  return lease.toBase58();
};
