/**
 * A transcript or a phrase as words to compare: lower case, tone marks and other
 * diacritics removed (`Thuê bao` → `thue bao`, `đ` → `d`), apostrophes dropped
 * (`you've` → `youve`), other punctuation and runs of spaces as one space. Speech-to-text
 * engines differ in their marks and spacing; the words survive.
 */
export function normaliseWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/đ/g, 'd')
    .replace(/['’ʼ`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '');
}
