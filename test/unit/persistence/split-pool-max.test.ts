import { splitPoolMax } from '../../../src/adapters/persistence/knex-client';

describe('splitPoolMax', () => {
  it('shares DATABASE_POOL_MAX between the claim pool (half, rounded up) and the main pool', () => {
    expect(splitPoolMax(20)).toEqual({ claims: 10, main: 10 });
    expect(splitPoolMax(15)).toEqual({ claims: 8, main: 7 });
    expect(splitPoolMax(2)).toEqual({ claims: 1, main: 1 });
  });

  it('gives each pool at least one connection', () => {
    expect(splitPoolMax(1)).toEqual({ claims: 1, main: 1 });
  });
});
