import { parseDuration } from '../../../harness/load/duration';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1500ms', 1500],
    ['0.5s', 500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'ten minutes', '10 m', '5d', '-5s'])('refuses %j with the forms it takes', (text) => {
    expect(() => parseDuration(text)).toThrow('write it like 30s, 10m, 1h or 1h30m');
  });

  it('refuses zero', () => {
    expect(() => parseDuration('0s')).toThrow("a duration must be longer than zero, got '0s'");
  });
});
