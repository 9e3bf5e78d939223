/**
 * Readable ASCII for names derived from people's names: `José Müller` → `Jose Muller`, `Łukasz` → `Lukasz`,
 * `Strauß` → `Strauss`.
 *
 * Unicode compatibility decomposition (NFKD) splits accented letters into a base letter and combining marks, which
 * are dropped (é → e, ü → u, ñ → n, å → a, ş → s). The Latin letters that do not decompose are mapped by the table
 * below. Characters of other scripts have no readable ASCII form here and are dropped; callers fall back to a
 * neutral word. (Transliteration packages on npm either map ü to "ue" or ship only as ES modules, which the
 * CommonJS build cannot load; this covers the Latin alphabets in a few lines.)
 */

/** Latin letters without a canonical decomposition, and what they are written as in ASCII. */
const LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'SS',
  ł: 'l',
  Ł: 'L',
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  ŧ: 't',
  Ŧ: 'T',
  ŋ: 'n',
  Ŋ: 'N',
  ĸ: 'k',
  ſ: 's',
  ƒ: 'f',
  '\u2019': "'",
};

/**
 * `s` in ASCII: accents removed, Latin special letters spelled out, other non-ASCII characters dropped.
 *
 * @example
 * transliterate('José Müller-Łęcka') // 'Jose Muller-Lecka'
 */
export function transliterate(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]/g, (c) => LETTERS[c] ?? '');
}
