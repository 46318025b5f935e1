import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceNameFromEnvironment } from './service-name.js';

function dirWith(packageJson?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-service-name-'));
  if (packageJson !== undefined) writeFileSync(join(dir, 'package.json'), packageJson);
  return dir;
}

describe('serviceNameFromEnvironment', () => {
  it('prefers OTEL_SERVICE_NAME', () => {
    expect(serviceNameFromEnvironment({ OTEL_SERVICE_NAME: ' billing ' }, dirWith('{"name":"pkg"}'))).toBe('billing');
  });

  it('falls back to the package name of the working directory', () => {
    expect(serviceNameFromEnvironment({}, dirWith('{"name":"@shop/orders"}'))).toBe('@shop/orders');
  });

  it('falls back to unknown_service:node without a usable package.json', () => {
    expect(serviceNameFromEnvironment({}, dirWith())).toBe('unknown_service:node');
    expect(serviceNameFromEnvironment({}, dirWith('not json'))).toBe('unknown_service:node');
    expect(serviceNameFromEnvironment({ OTEL_SERVICE_NAME: '' }, dirWith('{"name":""}'))).toBe('unknown_service:node');
  });
});
