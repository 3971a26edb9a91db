/** A timestamp column's value as ISO text: node-postgres and PGlite give a Date, JSON a string. */
export const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();
