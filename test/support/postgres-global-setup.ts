/**
 * vitest globalSetup: one PostgreSQL server for the whole run (`IMBRIDGE_TEST_POSTGRES_URL`, or a
 * throwaway cluster), handed to test files as `inject('postgresUrl')`. Each test that needs a
 * database creates its own on it.
 */
import type { TestProject } from 'vitest/node';
import { testPostgresServer } from '../../src/testing/postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await testPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
