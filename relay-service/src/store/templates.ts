import type { Knex } from 'knex';
import { newId } from '../ids.ts';
import { createTtlCache } from './ttl-cache.ts';

export interface Template {
  id: string;
  account_id: string;
  name: string;
  active_version: number;
  sample_data: string | null;
  starter: string | null;
  created_at: number;
  updated_at: number;
}

export interface TemplateVersion {
  id: string;
  template_id: string;
  version: number;
  subject: string;
  html: string;
  text: string | null;
  created_at: number;
}

export interface TemplateContent {
  subject: string;
  html: string;
  text?: string | null | undefined;
}

export type CreateTemplateResult = { ok: true; template: Template; version: TemplateVersion } | { ok: false; reason: 'name_taken' };

// Sends read the active version; a template changed here is seen at once, one changed by
// another instance within this time.
const ACTIVE_CACHE_MS = 10_000;

/**
 * Templates and their versions. A change never edits a version: it adds one (and by
 * default makes it active), so what a past message was rendered from stays readable.
 */
export class TemplateRepository {
  private readonly knex: Knex;
  private readonly active = createTtlCache<{ template: Template; version: TemplateVersion }>(ACTIVE_CACHE_MS, 10_000);
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async create(accountId: string, input: TemplateContent & { name: string; sampleData?: unknown; starter?: string | null }, now = Date.now()): Promise<CreateTemplateResult> {
    return this.knex.transaction(async (trx) => {
      if (await trx('templates').where({ account_id: accountId, name: input.name }).first('id')) return { ok: false as const, reason: 'name_taken' as const };
      const template: Template = {
        id: newId('tpl', now), account_id: accountId, name: input.name, active_version: 1,
        sample_data: input.sampleData === undefined ? null : JSON.stringify(input.sampleData), starter: input.starter ?? null, created_at: now, updated_at: now,
      };
      const version: TemplateVersion = { id: newId('tplv', now), template_id: template.id, version: 1, subject: input.subject, html: input.html, text: input.text ?? null, created_at: now };
      await trx('templates').insert(template);
      await trx('template_versions').insert(version);
      return { ok: true as const, template, version };
    });
  }

  async list(accountId: string): Promise<Template[]> {
    return this.knex('templates').where({ account_id: accountId }).orderBy('name');
  }

  async get(accountId: string, id: string): Promise<Template | undefined> {
    return this.knex('templates').where({ account_id: accountId, id }).first();
  }

  async versions(templateId: string): Promise<Pick<TemplateVersion, 'version' | 'created_at'>[]> {
    return this.knex('template_versions').where({ template_id: templateId }).orderBy('version', 'desc').select('version', 'created_at');
  }

  async version(templateId: string, version: number): Promise<TemplateVersion | undefined> {
    return this.knex('template_versions').where({ template_id: templateId, version }).first();
  }

  /** The template and the version sends use, for this account only. */
  async activeVersion(accountId: string, id: string, now = Date.now()): Promise<{ template: Template; version: TemplateVersion } | undefined> {
    const key = `${accountId}\u0000${id}`;
    const cached = this.active.get(key, now);
    if (cached) return cached;
    const template = await this.get(accountId, id);
    if (!template) return undefined;
    const version = (await this.version(template.id, template.active_version))!;
    this.active.set(key, { template, version }, now);
    return { template, version };
  }

  /** Adds a version (the next number); active at once unless `activate` is false. */
  async addVersion(accountId: string, id: string, input: TemplateContent & { name?: string | undefined; sampleData?: unknown; activate?: boolean | undefined }, now = Date.now()): Promise<{ template: Template; version: TemplateVersion } | 'not_found' | 'name_taken'> {
    const result = await this.knex.transaction(async (trx) => {
      const template: Template | undefined = await trx('templates').where({ account_id: accountId, id }).first();
      if (!template) return 'not_found' as const;
      if (input.name !== undefined && input.name !== template.name && (await trx('templates').where({ account_id: accountId, name: input.name }).first('id'))) return 'name_taken' as const;
      const last = (await trx('template_versions').where({ template_id: id }).max({ max: 'version' }).first()) as { max?: number | string | null } | undefined;
      const number = Number(last?.max ?? 0) + 1;
      const version: TemplateVersion = { id: newId('tplv', now), template_id: id, version: number, subject: input.subject, html: input.html, text: input.text ?? null, created_at: now };
      await trx('template_versions').insert(version);
      const changes: Partial<Template> = { updated_at: now };
      if (input.activate !== false) changes.active_version = number;
      if (input.name !== undefined) changes.name = input.name;
      if (input.sampleData !== undefined) changes.sample_data = JSON.stringify(input.sampleData);
      await trx('templates').where({ id }).update(changes);
      return { template: { ...template, ...changes }, version };
    });
    this.active.clear();
    return result;
  }

  async activate(accountId: string, id: string, version: number, now = Date.now()): Promise<boolean> {
    const template = await this.get(accountId, id);
    if (!template || !(await this.version(id, version))) return false;
    await this.knex('templates').where({ id }).update({ active_version: version, updated_at: now });
    this.active.clear();
    return true;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const deleted = await this.knex('templates').where({ account_id: accountId, id }).delete();
    this.active.clear();
    return deleted > 0;
  }
}
