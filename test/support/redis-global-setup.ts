/**
 * vitest globalSetup: one Redis server for the whole run (`IMBRIDGE_TEST_REDIS_URL`, or a
 * throwaway `redis-server`), handed to test files as `inject('redisUrl')`. Each test keeps to its
 * own key prefix on it.
 */
import type { TestProject } from 'vitest/node';
import { testRedisServer } from '../../src/testing/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await testRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
