import { describe, expect, it } from 'vitest';
import { LiveModelChoice } from '../../src/core/live-detection';

const policy = { nearShare: 0.15, fullEveryMs: 1000 };

describe('LiveModelChoice', () => {
  it('starts with the full-range model, and keeps it while no face is in view', () => {
    const choice = new LiveModelChoice(policy);
    expect(choice.first(0)).toBe('full');
    choice.record(['full'], [], 0);
    expect(choice.first(33)).toBe('full');
    expect(choice.second('full', 0)).toBeNull();
  });

  it('switches to the short-range model while every face is near, with the full-range one every second', () => {
    const choice = new LiveModelChoice(policy);
    choice.record(['full'], [0.3, 0.2], 0);
    expect(choice.first(33)).toBe('short');
    choice.record(['short'], [0.3, 0.2], 33);
    expect(choice.first(999)).toBe('short');
    expect(choice.first(1000)).toBe('full');
  });

  it('keeps the full-range model while any face is far', () => {
    const choice = new LiveModelChoice(policy);
    choice.record(['full'], [0.4, 0.1], 0);
    expect(choice.first(33)).toBe('full');
  });

  it('asks the other model when the first found fewer faces than the last frame had', () => {
    const choice = new LiveModelChoice(policy);
    choice.record(['full'], [0.3, 0.3], 0);
    expect(choice.second('short', 2)).toBeNull();
    expect(choice.second('short', 1)).toBe('full'); // a face moved out of the short-range model's reach
    expect(choice.second('full', 1)).toBe('short'); // or came so close that the full-range model misses it
  });

  it('counts a full-range look made as a second opinion, and forgets everything on reset', () => {
    const choice = new LiveModelChoice(policy);
    choice.record(['full'], [0.3], 0);
    choice.record(['short', 'full'], [0.3], 900);
    expect(choice.first(1500)).toBe('short');
    expect(choice.first(1900)).toBe('full');
    choice.reset();
    expect(choice.first(1901)).toBe('full');
  });
});
