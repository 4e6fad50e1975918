/**
 * Jest configuration, two projects: `unit` (test/unit and test/golden: pure, no Podman needed) and
 * `integration` (the real CLI against real Podman). Jest runs a project's global setup only when a
 * test of that project runs, so the Podman check (which fails the run, never skips it, when Podman
 * or the test image is missing) costs the unit tier nothing.
 */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
};

module.exports = {
  // A global option: jest refuses it inside a project.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit', '<rootDir>/test/golden'] },
    { ...common, displayName: 'integration', roots: ['<rootDir>/test/integration'], globalSetup: '<rootDir>/test/integration/globalSetup.js' },
  ],
};
