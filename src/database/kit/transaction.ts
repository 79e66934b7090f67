import type { EntityManager } from 'typeorm';

/**
 * A transaction one repository opens and hands to another module's repository (through that
 * module's service), so that rows of two owners commit or roll back together. Services pass
 * it along without using it.
 */
export type Transaction = EntityManager;
