import { createConnection } from 'node:net';

/** The Redis the cluster tests use; `.ci/run` and `npm test` start the machine's if it is down. */
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The reason to skip tests that need Redis (`TEST_SKIP_REDIS=1`), or false to run them. */
export const skipRedis: string | false = process.env.TEST_SKIP_REDIS === '1' ? 'TEST_SKIP_REDIS=1' : false;

/** Fails loudly, naming the fix, when Redis does not answer. */
export async function assertRedisUp(): Promise<void> {
  const { hostname, port } = new URL(redisUrl);
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) }, () => {
      socket.end();
      resolve();
    });
    socket.on('error', (error) => reject(new Error(`Redis at ${redisUrl} does not answer (${error.message}); start it (scripts/ensure-services.sh) or set TEST_SKIP_REDIS=1`)));
  });
}
