import { Router, type Request } from 'express';
import { normalizeEmailAddress } from '@relaypress/shared-types';
import { RelayError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import type { Template, TemplateVersion } from '../../store/templates.ts';
import type { AcceptPipeline } from '../../accept/pipeline.ts';
import { TemplateError, type TemplateEngine } from '../../templates/engine.ts';
import { renderOrThrow, templateRelayError } from '../../templates/send.ts';
import { composeMessage } from '../compose.ts';
import { STARTER_TEMPLATES, starterTemplate } from '../../templates/starters/index.ts';
import { isoTime as iso } from '../../iso-time.ts';
import { route } from '../async-route.ts';

const MAX_NAME = 200;
const MAX_SAMPLE_DATA = 256 * 1024;

interface Content {
  subject: string;
  html: string;
  text: string | null;
}

function templateView(t: Template, v: TemplateVersion, versions?: { version: number; created_at: number }[]) {
  return {
    id: t.id,
    name: t.name,
    starter: t.starter,
    active_version: t.active_version,
    subject: v.subject,
    html: v.html,
    text: v.text,
    sample_data: t.sample_data ? JSON.parse(t.sample_data) : null,
    created_at: iso(t.created_at),
    updated_at: iso(t.updated_at),
    ...(versions ? { versions: versions.map((x) => ({ version: x.version, created_at: iso(x.created_at), active: x.version === t.active_version })) } : {}),
  };
}

/**
 * The account's templates (`/v1/templates`): create, list, read (with every version),
 * change (a new version, active unless `activate: false`), activate an older version,
 * delete, render a preview, send a test. Every stored template has parsed: a syntax error
 * is a 422 with the part, line and column.
 */
export function templatesRouter(deps: { store: Store; engine: TemplateEngine; accept: AcceptPipeline; hostname: string; onAccepted?: () => void }): Router {
  const router = Router();
  const accountOf = (locals: Record<string, unknown>) => locals.accountId as string;

  function content(body: Record<string, unknown>): Content {
    for (const field of ['subject', 'html'] as const) {
      if (typeof body[field] !== 'string' || (body[field] as string).trim() === '') throw new RelayError('validation_failed', `${field} is required (a template)`, field);
    }
    if (body.text !== undefined && body.text !== null && typeof body.text !== 'string') throw new RelayError('validation_failed', 'text must be a template or null', 'text');
    const source = { subject: body.subject as string, html: body.html as string, text: (body.text as string | null | undefined) ?? null };
    try {
      deps.engine.check(source);
    } catch (err) {
      if (err instanceof TemplateError) throw templateRelayError(err);
      throw err;
    }
    return source;
  }

  function name(value: unknown, required: boolean): string | undefined {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME) throw new RelayError('validation_failed', `name must be text of 1 to ${MAX_NAME} characters`, 'name');
    return value.trim();
  }

  function sampleData(value: unknown): unknown {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RelayError('validation_failed', 'sample_data must be a JSON object', 'sample_data');
    if (JSON.stringify(value).length > MAX_SAMPLE_DATA) throw new RelayError('validation_failed', `sample_data must be at most ${MAX_SAMPLE_DATA} bytes`, 'sample_data');
    return value;
  }

  async function owned(req: Request, locals: Record<string, unknown>): Promise<Template> {
    const template = await deps.store.templates.get(accountOf(locals), String(req.params.id));
    if (!template) throw new RelayError('not_found', 'No such template');
    return template;
  }

  // Before `/:id`: `starters` is not an id.
  router.get('/v1/templates/starters', route(async (_req, res) => {
    res.json({ data: STARTER_TEMPLATES.map((t) => ({ key: t.key, name: t.name, description: t.description, subject: t.subject, required: t.required })) });
  }));

  /**
   * Installs starter templates into the account in one call: all of them, or `keys`. An
   * account that has a template of that name already keeps its own (listed as skipped), so
   * installing again never overwrites an edited template.
   */
  router.post('/v1/templates/starters', route(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let keys = STARTER_TEMPLATES.map((t) => t.key);
    if (body.keys !== undefined) {
      if (!Array.isArray(body.keys) || body.keys.some((k) => typeof k !== 'string' || !starterTemplate(k))) {
        throw new RelayError('validation_failed', `keys must list starter templates: ${keys.join(', ')}`, 'keys');
      }
      keys = [...new Set(body.keys as string[])];
    }
    const installed = [];
    const skipped = [];
    for (const key of keys) {
      const starter = starterTemplate(key)!;
      const created = await deps.store.templates.create(accountOf(res.locals), { name: starter.name, subject: starter.subject, html: starter.html, text: null, sampleData: starter.sample_data, starter: starter.key });
      if (created.ok) installed.push({ key, id: created.template.id, name: starter.name });
      else skipped.push({ key, name: starter.name, reason: 'a template with this name exists' });
    }
    res.status(installed.length > 0 ? 201 : 200).json({ installed, skipped });
  }));

  router.post('/v1/templates', route(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const created = await deps.store.templates.create(accountOf(res.locals), { name: name(body.name, true)!, ...content(body), sampleData: sampleData(body.sample_data) });
    if (!created.ok) throw new RelayError('conflict', 'A template with this name exists already', 'name');
    res.status(201).json(templateView(created.template, created.version, [created.version]));
  }));

  router.get('/v1/templates', route(async (_req, res) => {
    const list = await deps.store.templates.list(accountOf(res.locals));
    res.json({ data: list.map((t) => ({ id: t.id, name: t.name, starter: t.starter, active_version: t.active_version, updated_at: iso(t.updated_at) })) });
  }));

  router.get('/v1/templates/:id', route(async (req, res) => {
    const template = await owned(req, res.locals);
    const version = (await deps.store.templates.version(template.id, template.active_version))!;
    res.json(templateView(template, version, await deps.store.templates.versions(template.id)));
  }));

  router.get('/v1/templates/:id/versions/:version', route(async (req, res) => {
    const template = await owned(req, res.locals);
    const version = await deps.store.templates.version(template.id, Number(req.params.version));
    if (!version) throw new RelayError('not_found', 'No such version', 'version');
    res.json({ ...templateView(template, version), version: version.version, created_at: iso(version.created_at) });
  }));

  router.put('/v1/templates/:id', route(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.activate !== undefined && typeof body.activate !== 'boolean') throw new RelayError('validation_failed', 'activate must be true or false', 'activate');
    const changed = await deps.store.templates.addVersion(accountOf(res.locals), String(req.params.id), {
      ...content(body), name: name(body.name, false), sampleData: sampleData(body.sample_data), activate: body.activate as boolean | undefined,
    });
    if (changed === 'not_found') throw new RelayError('not_found', 'No such template');
    if (changed === 'name_taken') throw new RelayError('conflict', 'A template with this name exists already', 'name');
    const active = (await deps.store.templates.version(changed.template.id, changed.template.active_version))!;
    res.json(templateView(changed.template, active, await deps.store.templates.versions(changed.template.id)));
  }));

  router.post('/v1/templates/:id/versions/:version/activate', route(async (req, res) => {
    const template = await owned(req, res.locals);
    if (!(await deps.store.templates.activate(accountOf(res.locals), template.id, Number(req.params.version)))) throw new RelayError('not_found', 'No such version', 'version');
    const updated = (await deps.store.templates.get(accountOf(res.locals), template.id))!;
    res.json(templateView(updated, (await deps.store.templates.version(updated.id, updated.active_version))!, await deps.store.templates.versions(updated.id)));
  }));

  router.delete('/v1/templates/:id', route(async (req, res) => {
    if (!(await deps.store.templates.delete(accountOf(res.locals), String(req.params.id)))) throw new RelayError('not_found', 'No such template');
    res.status(204).end();
  }));

  /** Renders a version (the active one unless `version` is given) with `data`, else the template's sample data. */
  async function preview(req: Request, locals: Record<string, unknown>) {
    const template = await owned(req, locals);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const number = body.version === undefined ? template.active_version : Number(body.version);
    const version = await deps.store.templates.version(template.id, number);
    if (!version) throw new RelayError('not_found', 'No such version', 'version');
    if (body.data !== undefined && (body.data === null || typeof body.data !== 'object' || Array.isArray(body.data))) throw new RelayError('validation_failed', 'data must be a JSON object', 'data');
    const data = body.data ?? (template.sample_data ? JSON.parse(template.sample_data) : {});
    return renderOrThrow(deps.engine, { subject: version.subject, html: version.html, text: version.text }, data);
  }

  router.post('/v1/templates/:id/render', route(async (req, res) => {
    res.json(await preview(req, res.locals));
  }));

  // Sends the rendered preview to one address (with "[Test]" before the subject).
  router.post('/v1/templates/:id/test', route(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.to !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(body.to)) throw new RelayError('validation_failed', 'to must be an email address', 'to');
    if (typeof body.from !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(body.from)) throw new RelayError('validation_failed', 'from must be an email address of one of the account\'s domains', 'from');
    const rendered = await preview(req, res.locals);
    const composed = await composeMessage({ from: { email: body.from }, to: [{ email: normalizeEmailAddress(body.to) }], subject: `[Test] ${rendered.subject}`, html: rendered.html, text: rendered.text }, { hostname: deps.hostname });
    const result = await deps.accept({ accountId: accountOf(res.locals), source: 'http', mailFrom: composed.mailFrom, recipients: composed.recipients, raw: composed.raw, tags: ['template-test'] });
    deps.onAccepted?.();
    res.status(202).json({ id: result.messageId, recipients: result.recipients, ...(result.sandbox ? { sandbox: true } : {}) });
  }));

  return router;
}
