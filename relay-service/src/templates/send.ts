import { normalizeEmailAddress, type SendStructuredEmailRequest, type SendTemplateEmailRequest } from '@relaypress/shared-types';
import { RelayError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import { TemplateError, type RenderedTemplate, type TemplateEngine, type TemplateSource } from './engine.ts';

/** A template problem as an API error: what is wrong, where, and (for data) which variable. */
export function templateRelayError(err: TemplateError, dataField = 'data'): RelayError {
  const where = { part: err.part, line: err.line, column: err.column };
  if (err.kind === 'missing_variable') return new RelayError('missing_variable', err.message, dataField, { ...where, variable: err.variable });
  return new RelayError('template_error', err.message, err.part, where);
}

export async function renderOrThrow(engine: TemplateEngine, source: TemplateSource, data: unknown, dataField = 'data'): Promise<RenderedTemplate> {
  try {
    const rendered = await engine.render(source, data);
    if (rendered.subject === '') throw new RelayError('template_error', 'The rendered subject is empty', 'subject', { part: 'subject', line: null, column: null });
    return rendered;
  } catch (err) {
    if (err instanceof TemplateError) throw templateRelayError(err, dataField);
    throw err;
  }
}

/**
 * Turns a template send into the structured messages to accept: one, or one per recipient
 * of `to` when personalization gives several of them their own data. Everything is rendered
 * before anything is accepted, so a missing variable for the last recipient refuses the
 * whole request and nothing is sent.
 */
export async function planTemplateSend(store: Store, engine: TemplateEngine, accountId: string, req: SendTemplateEmailRequest): Promise<SendStructuredEmailRequest[]> {
  const active = await store.templates.activeVersion(accountId, req.template_id);
  if (!active) throw new RelayError('not_found', 'No such template', 'template_id');
  const source = { subject: active.version.subject, html: active.version.html, text: active.version.text };

  const toAddresses = new Set(req.to.map((m) => normalizeEmailAddress(m.email)));
  const personal = new Map<string, Record<string, unknown>>();
  for (const [i, entry] of (req.personalization ?? []).entries()) {
    const email = normalizeEmailAddress(entry.email);
    if (!toAddresses.has(email)) throw new RelayError('validation_failed', `personalization[${i}] is for ${entry.email}, which is not in to`, `personalization[${i}].email`);
    personal.set(email, entry.data);
  }
  const split = personal.size > 1;
  if (split && (req.cc?.length || req.bcc?.length)) {
    throw new RelayError('validation_failed', 'cc and bcc cannot be combined with personalization for several recipients (each gets a message of their own)', 'cc');
  }
  const groups = split ? req.to.map((m) => [m]) : [req.to];
  const { template_id: _template, data: _data, personalization: _personalization, ...envelope } = req;
  const plans: SendStructuredEmailRequest[] = [];
  for (const to of groups) {
    const mine = split ? personal.get(normalizeEmailAddress(to[0]!.email)) : [...personal.values()][0];
    const rendered = await renderOrThrow(engine, source, { ...req.data, ...mine });
    plans.push({ ...envelope, to, subject: req.subject ?? rendered.subject, html: rendered.html, text: rendered.text });
  }
  return plans;
}
