/** A LIKE pattern matching `text` anywhere, case-folded, with LIKE's own characters escaped. */
export const containsPattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
