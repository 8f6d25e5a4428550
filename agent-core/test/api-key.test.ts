import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../src/api-key.js';

describe('generateApiKey', () => {
  it('is at least 32 URL-safe characters', () => {
    const key = generateApiKey();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('is unique across many keys', () => {
    const keys = new Set(Array.from({ length: 2000 }, generateApiKey));
    expect(keys.size).toBe(2000);
  });
});
