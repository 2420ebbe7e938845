import { z } from 'zod';
import { HEADER_INJECTION } from './fields.ts';

/** Every API error has one shape (DESIGN.md rule 4). */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Dotted path of the offending request field, e.g. `to.0.email`. */
    field: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

export interface FormattedValidationError {
  code: 'validation_failed' | 'invalid_header';
  message: string;
  field?: string;
}

/**
 * The API answer for a failed parse, built from the first issue only: one precise message
 * is more useful to a caller than a list where later entries are often consequences.
 * CR/LF/NUL issues get `invalid_header`, the code the relay uses for header injection.
 */
export function formatZodError(err: z.ZodError): FormattedValidationError {
  const issue = err.issues[0];
  if (!issue) return { code: 'validation_failed', message: 'The request is not valid' };
  const field = issue.path.map(String).join('.');
  const isInjection = issue.code === 'custom' && issue.params?.['reason'] === HEADER_INJECTION;
  // An unknown key is reported at the object; naming the key itself is what the caller needs.
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const keyPath = field ? `${field}.${key}` : key;
    return { code: 'validation_failed', message: `${keyPath}: is not an accepted field`, field: keyPath };
  }
  const message = field ? `${field}: ${issue.message}` : issue.message;
  return { code: isInjection ? 'invalid_header' : 'validation_failed', message, ...(field ? { field } : {}) };
}
