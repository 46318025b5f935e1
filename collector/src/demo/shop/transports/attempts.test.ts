import { describe, expect, it } from 'vitest';
import { AttemptCounter } from './attempts.js';

describe('AttemptCounter', () => {
  it('counts deliveries per key until the message is done', () => {
    const attempts = new AttemptCounter();
    expect([attempts.next('a'), attempts.next('a'), attempts.next('b'), attempts.next('a')]).toEqual([1, 2, 1, 3]);
    attempts.done('a');
    expect(attempts.next('a')).toBe(1);
  });

  it('forgets the least recently delivered keys beyond its bound', () => {
    const attempts = new AttemptCounter(2);
    attempts.next('old');
    attempts.next('kept');
    attempts.next('kept');
    attempts.next('new');
    expect(attempts.next('kept')).toBe(3);
    expect(attempts.next('old')).toBe(1);
  });
});
