/** Limits of the LLM providers module: DTOs and services read them from here only. */
export const LLM_RULES = {
  key: {
    nameMaxLength: 100,
    secretMinLength: 20,
    secretMaxLength: 300,
    /** Monthly budget, US dollars. */
    budgetMaxUsd: 1_000_000,
    budgetDecimals: 6,
  },
  template: {
    nameMaxLength: 100,
    descriptionMaxLength: 500,
    contentMaxLength: 20_000,
  },
  usage: {
    /** Longest range of one usage report. */
    maxRangeDays: 366,
    defaultRangeDays: 30,
    /** Rows `llm:reprice` recomputes per transaction. */
    repriceBatchSize: 500,
  },
} as const;
