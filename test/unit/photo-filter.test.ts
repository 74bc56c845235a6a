import { describe, expect, it } from 'vitest';
import { photosMatching } from '../../src/core/photo-filter';

const photos = [
  { name: 'a-b.jpg', who: ['ada', 'bo'] },
  { name: 'a.jpg', who: ['ada'] },
  { name: 'b-c.jpg', who: ['bo', 'cy'] },
  { name: 'nobody.jpg', who: [] },
];
const names = (query: { allOf?: string[]; anyOf?: string[]; noneOf?: string[] }) =>
  photosMatching(photos, { allOf: [], anyOf: [], noneOf: [], ...query }).map((p) => p.name);

describe('photosMatching', () => {
  it('finds photos with all of, any of and none of the people named', () => {
    expect(names({ allOf: ['ada', 'bo'] })).toEqual(['a-b.jpg']);
    expect(names({ anyOf: ['ada', 'cy'] })).toEqual(['a-b.jpg', 'a.jpg', 'b-c.jpg']);
    expect(names({ allOf: ['bo'], noneOf: ['cy'] })).toEqual(['a-b.jpg']);
    expect(names({ noneOf: ['ada'] })).toEqual(['b-c.jpg', 'nobody.jpg']);
    expect(names({ allOf: ['ada'], anyOf: ['cy'] })).toEqual([]);
  });

  it('matches nothing when nobody is named', () => {
    expect(names({})).toEqual([]);
  });
});
