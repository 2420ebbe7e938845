import { Liquid, type FS } from 'liquidjs';
import juice from 'juice';
import { convert } from 'html-to-text';

/**
 * The template language: Liquid (LiquidJS), locked down for templates that accounts write
 * and data that customers type. Output is HTML-escaped unless a template says `| raw`;
 * variables are read as own properties only (no `constructor`, no `__proto__`); there is no
 * file system (no include, render or layout of files); parsing and rendering are bounded in
 * time and memory, so a loop over a huge range stops with an error instead of the relay.
 * Subject and text parts are rendered without HTML escaping (they are not HTML).
 */

export interface TemplateSource {
  subject: string;
  html: string;
  /** Optional: derived from the rendered HTML when absent. */
  text?: string | null | undefined;
}

export interface RenderedTemplate {
  subject: string;
  html: string;
  text: string;
}

export type TemplatePart = 'subject' | 'html' | 'text';

/** A problem a template author can fix, with where it is. */
export class TemplateError extends Error {
  override name = 'TemplateError';
  readonly part: TemplatePart;
  readonly line: number | null;
  readonly column: number | null;
  /** The variable a render missed, when that was the problem. */
  readonly variable: string | null;
  readonly kind: 'syntax' | 'missing_variable' | 'limit' | 'render';
  constructor(kind: TemplateError['kind'], part: TemplatePart, message: string, position: { line: number | null; column: number | null }, variable: string | null = null) {
    super(message);
    this.kind = kind;
    this.part = part;
    this.line = position.line;
    this.column = position.column;
    this.variable = variable;
  }
}

export interface EngineLimits {
  /** Longest template source, in characters. */
  maxSourceLength: number;
  /** Time budget of one render, ms. */
  renderMs: number;
  /** Characters a render may allocate (LiquidJS's memoryLimit), which also caps the output. */
  memory: number;
  /** Largest rendered HTML, bytes. */
  maxOutput: number;
}

export const DEFAULT_LIMITS: EngineLimits = { maxSourceLength: 512 * 1024, renderMs: 2_000, memory: 20_000_000, maxOutput: 2 * 1024 * 1024 };

/** No templates on disk: `{% include %}`, `{% render %}` and `{% layout %}` find nothing. */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file: string) => {
    throw new Error(`templates cannot include other files (${file})`);
  },
  readFileSync: (file: string) => {
    throw new Error(`templates cannot include other files (${file})`);
  },
  resolve: (_root: string, file: string) => file,
  contains: async () => false,
  sep: '/',
};

function money(value: unknown, currency?: unknown, locale?: unknown): string {
  const amount = typeof value === 'number' ? value : Number(String(value ?? '').replace(/[^0-9.,-]/g, '').replace(',', '.'));
  if (!Number.isFinite(amount)) return String(value ?? '');
  const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : undefined;
  try {
    return new Intl.NumberFormat(typeof locale === 'string' ? locale : 'en', code ? { style: 'currency', currency: code } : { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
  } catch {
    return amount.toFixed(2);
  }
}

function createEngine(escapeOutput: boolean, limits: EngineLimits): Liquid {
  const engine = new Liquid({
    fs: NO_FILES,
    root: [],
    relativeReference: false,
    dynamicPartials: false,
    strictVariables: true,
    // `{% if order.note %}` and `| default:` may name a variable that is absent.
    lenientIf: true,
    strictFilters: true,
    ownPropertyOnly: true,
    cache: false,
    ...(escapeOutput ? { outputEscape: 'escape' as const } : {}),
    parseLimit: limits.maxSourceLength,
    renderLimit: limits.renderMs,
    memoryLimit: limits.memory,
  });
  engine.registerFilter('money', money);
  // Said at save time rather than failing at send time: there is nothing to include.
  for (const name of ['include', 'render', 'layout']) {
    engine.registerTag(name, {
      parse() {
        throw new Error(`{% ${name} %} is not available: a template cannot include files or other templates`);
      },
      render() {
        return '';
      },
    });
  }
  return engine;
}

// LiquidJS errors end with ", line:3, col:7"; the token, when present, has the position too.
function position(err: unknown): { line: number | null; column: number | null } {
  const token = (err as { token?: { getPosition?: () => [number, number] } }).token;
  if (token?.getPosition) {
    const [line, column] = token.getPosition();
    return { line, column };
  }
  const match = /line:(\d+), col:(\d+)/.exec(String((err as Error).message));
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: null, column: null };
}

function cleanMessage(err: unknown): string {
  return String((err as Error).message).replace(/, line:\d+, col:\d+.*$/s, '').replace(/\s*>>.*$/s, '').trim();
}

function toTemplateError(err: unknown, part: TemplatePart, during: 'parse' | 'render'): TemplateError {
  const message = cleanMessage(err);
  const where = position(err);
  const undefinedVariable = /undefined variable: ([^\s,]+)/i.exec(message);
  if (undefinedVariable) return new TemplateError('missing_variable', part, `The ${part} needs the variable ${undefinedVariable[1]}, which the data does not have`, where, undefinedVariable[1]!);
  if (/(render|parse) ?limit|memory ?limit|exceeded/i.test(message)) return new TemplateError('limit', part, `The ${part} ${during === 'parse' ? 'is too large' : 'took too long or produced too much output'} (${message})`, where);
  const at = where.line !== null ? ` at line ${where.line}, column ${where.column}` : '';
  return new TemplateError(during === 'parse' ? 'syntax' : 'render', part, `The ${part} has ${during === 'parse' ? 'a syntax error' : 'an error'}${at}: ${message}`, where);
}

/**
 * Copies data so that keys which name prototype machinery (`__proto__`, `constructor`,
 * `prototype`) are dropped and nothing but plain JSON values reaches a template.
 */
export function safeData(value: unknown, depth = 0): unknown {
  if (depth > 32) return null;
  if (Array.isArray(value)) return value.map((v) => safeData(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      out[k] = safeData(v, depth + 1);
    }
    return out;
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : null;
}

export function createTemplateEngine(limits: EngineLimits = DEFAULT_LIMITS) {
  const html = createEngine(true, limits);
  const plain = createEngine(false, limits);

  function parse(engine: Liquid, source: string, part: TemplatePart) {
    if (source.length > limits.maxSourceLength) throw new TemplateError('limit', part, `The ${part} is longer than ${limits.maxSourceLength} characters`, { line: null, column: null });
    try {
      return engine.parse(source);
    } catch (err) {
      throw toTemplateError(err, part, 'parse');
    }
  }

  async function renderPart(engine: Liquid, source: string, part: TemplatePart, data: Record<string, unknown>): Promise<string> {
    const tree = parse(engine, source, part);
    try {
      return String(await engine.render(tree, data));
    } catch (err) {
      throw toTemplateError(err, part, 'render');
    }
  }

  return {
    /** Parses every part; throws the first TemplateError (with line and column). */
    check(source: TemplateSource): void {
      parse(plain, source.subject, 'subject');
      parse(html, source.html, 'html');
      if (source.text) parse(plain, source.text, 'text');
    },

    async render(source: TemplateSource, input: unknown): Promise<RenderedTemplate> {
      const data = (safeData(input ?? {}) ?? {}) as Record<string, unknown>;
      const subject = (await renderPart(plain, source.subject, 'subject', data)).replace(/[\r\n]+/g, ' ').trim();
      const rendered = await renderPart(html, source.html, 'html', data);
      if (Buffer.byteLength(rendered) > limits.maxOutput) throw new TemplateError('limit', 'html', `The rendered HTML is larger than ${limits.maxOutput} bytes`, { line: null, column: null });
      // Mail clients ignore <style> blocks more often than not: CSS goes onto the elements.
      const inlined = juice(rendered, { removeStyleTags: false, preserveMediaQueries: true, applyWidthAttributes: true, applyHeightAttributes: false });
      const text = source.text
        ? await renderPart(plain, source.text, 'text', data)
        : convert(inlined, { wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { hideLinkHrefIfSameAsText: true } }] });
      return { subject, html: inlined, text };
    },
  };
}

export type TemplateEngine = ReturnType<typeof createTemplateEngine>;
