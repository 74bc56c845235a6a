// Serves the built app for the browser tests (scripts/run-tests.mjs builds it first).
import type { TestProject } from 'vitest/node';
import { startPreview } from './preview-server';

export default async function setup(project: TestProject) {
  const server = await startPreview();
  project.provide('baseUrl', server.url);
  return server.close;
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
