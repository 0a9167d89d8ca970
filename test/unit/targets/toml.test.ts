import { tomlEntry, tomlString } from '../../../harness/targets';

describe('tomlString', () => {
  test.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\dir\\', '"C:\\\\dir\\\\"'],
    ['a\tb\nc\rd\be\ff', '"a\\tb\\nc\\rd\\be\\ff"'],
    ['nul\u0000esc\u001bdel\u007f', '"nul\\u0000esc\\u001Bdel\\u007F"'],
    ['üñí©ode ✓', '"üñí©ode ✓"'],
  ])('%j → %s', (input, expected) => {
    expect(tomlString(input)).toBe(expected);
  });
});

describe('tomlEntry', () => {
  test('strings, integers and booleans', () => {
    expect(tomlEntry('k', 'v')).toBe('k = "v"');
    expect(tomlEntry('n', 3000)).toBe('n = 3000');
    expect(tomlEntry('b', false)).toBe('b = false');
  });

  test('rejects non-integers, which Parsec’s u64 settings cannot take', () => {
    expect(() => tomlEntry('n', 1.5)).toThrow('not an integer');
  });
});
