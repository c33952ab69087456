import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { isClosedSocketWrite } from './db/driver-quirks';

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws outside React Server Components; tests call server code directly.
      { find: 'server-only', replacement: path.join(root, 'db', 'testing', 'empty-module.ts') },
    ],
  },
  test: {
    // The crash test kills PostgreSQL under live connections; the driver's stray timer error is
    // expected there (db/driver-quirks.ts), and nothing else is ignored.
    onUnhandledError: (error) => !isClosedSocketWrite(error),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts'],
          exclude: ['**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', '.next/**', '.data/**'],
          globalSetup: ['db/testing/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
