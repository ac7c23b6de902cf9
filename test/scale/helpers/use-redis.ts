/**
 * The Redis lifecycle every scale-out test file shares: one real redis-server for
 * the file, started before its tests and stopped after them, and cleanups (worker
 * processes, dispatchers, temp dirs) run after each test, the last added first.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from './redis-server.js';

export interface RedisFixture {
  /** The server; there once `beforeAll` has run. */
  readonly server: RedisServer;
  readonly url: string;
  /** Runs `cleanup` after the current test. */
  defer(cleanup: () => unknown): void;
}

export function useRedis(): RedisFixture {
  let server: RedisServer | undefined;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('useRedis(): the server starts in beforeAll; use it inside a test or a hook');
      return server;
    },
    get url() {
      return this.server.url;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
