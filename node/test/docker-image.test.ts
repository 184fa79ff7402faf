// The machine set-up (scripts/setup-system.sh) leaves a Docker engine answering and the
// local image decloud/busybox:local imported: containers run with no registry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Docker from 'dockerode';
import { PassThrough } from 'node:stream';

const docker = new Docker();
const image = 'decloud/busybox:local';

test('the local busybox image is present', async () => {
  const info = await docker.getImage(image).inspect();
  assert.ok(info.Size > 500_000, `image size ${info.Size}`);
});

test('a container from the local image runs a command and reports its exit code', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => { text += c.toString(); });
  const [result, container] = await docker.run(image, ['sh', '-c', 'echo decloud-$((6*7)); exit 3'], out, {
    HostConfig: { NetworkMode: 'none', AutoRemove: false },
  });
  await container.remove({ force: true });
  assert.is((result as { StatusCode: number }).StatusCode, 3);
  assert.match(text, /decloud-42/);
});

test.run();
