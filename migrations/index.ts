import { Foundation1763769600000 } from './1763769600000-Foundation';

/** Applied in this order; add each new migration class here. */
export const migrations = [Foundation1763769600000];
