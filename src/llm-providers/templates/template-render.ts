import { DomainException } from '../../common/errors/domain.exception';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The distinct `{{name}}` placeholders of a template, in order of first use. */
export function placeholders(content: string): string[] {
  return [...new Set([...content.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * Fills `{{name}}` placeholders. A missing variable is an error naming it (never an empty
 * string sent to a model); values are inserted as text, never re-expanded.
 */
export function renderTemplate(content: string, variables: Record<string, string>): string {
  const missing = placeholders(content).filter((name) => !(name in variables));
  if (missing.length > 0) {
    throw new DomainException(
      'VALIDATION_FAILED',
      `Missing template variable(s): ${missing.join(', ')}`,
      {
        details: [
          {
            field: 'variables',
            messages: missing.map((m) => `variables.${m} is required by the template`),
          },
        ],
      },
    );
  }
  return content.replace(PLACEHOLDER, (_, name: string) => variables[name]);
}
