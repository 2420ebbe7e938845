import { isIPv6 } from 'node:net';

import type { DnsResolver, DnsResult } from '../dns/resolver.ts';

/**
 * SPF (RFC 7208) record analysis for domain verification: the relay reads what a site owner
 * published and reports what receivers would reject, naming the record at fault.
 *
 * This is a static walk, not check_host(): there is no sender IP, so every term is visited
 * (a receiver stops at the first match; the worst case is what must stay within the limits).
 *
 * Decisions worth knowing:
 * - The walk stops following include/redirect targets once the lookup count exceeds the
 *   limit, so it never queries more than a receiver would. The terms of records already
 *   fetched are still counted (that costs no query), so the count is exact unless a target
 *   went unfollowed, and the message then says "at least".
 * - A target already on the current include/redirect path is a loop; it is reported as a
 *   `syntax` problem naming the path and not followed (a receiver would spin until the
 *   lookup limit fails it). The same target reached twice on different paths (a diamond)
 *   is no loop and is walked, and counted, each time, as receivers do.
 * - Only include/redirect targets are queried. a, mx, ptr and exists terms are counted but
 *   their names are not resolved, so void lookups only come from include/redirect targets.
 * - Targets with macros (`%{...}`) cannot be expanded without a message: counted, not followed.
 * - Two or more records at the domain itself end the analysis: receivers go no further.
 * - `includes` and `ips` list what the records that were read name, including the target
 *   of the term that crossed the lookup limit (it was read, just not followed).
 */

export interface SpfTerm {
  qualifier: '+' | '-' | '~' | '?';
  kind: 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists' | 'redirect' | 'exp' | 'unknown-modifier';
  /**
   * The argument as written: the domain-spec (include, exists, a, mx, ptr, redirect, exp),
   * the network with its prefix length (ip4, ip6: "192.0.2.0/24"), the value of an unknown
   * modifier; null when absent (all; a, mx, ptr without a domain).
   */
  value: string | null;
  /** a and mx only, when written: the dual prefix length ("/24", "//64", "/24//64"). */
  cidr?: string;
  /** unknown-modifier only: its name as written. */
  name?: string;
}

export type SpfParse = { ok: true; terms: SpfTerm[] } | { ok: false; message: string };

export type SpfProblem =
  | { code: 'multiple_records'; message: string }
  | { code: 'too_many_lookups'; message: string; lookups: number }
  | { code: 'too_many_void_lookups'; message: string; voidLookups: number }
  | { code: 'syntax'; message: string; name: string }
  | { code: 'include_not_found'; message: string; name: string }
  | { code: 'lookup_failed'; message: string; name: string };

export interface SpfAnalysis {
  /** 'missing' = no SPF record at the domain; 'ok' = one record and no problems; 'error' = problems. */
  status: 'missing' | 'ok' | 'error';
  /** The record text(s) found at the domain itself (what the owner published). */
  records: string[];
  /** DNS-querying terms counted (include, a, mx, ptr, exists, redirect), including those inside includes. */
  lookups: number;
  problems: SpfProblem[];
  /** Every include:/redirect= target reached (lower case), for "does it include the relay's SPF?" checks. */
  includes: string[];
  /** Every ip4:/ip6: value reached (as written, e.g. "192.0.2.0/24"). */
  ips: string[];
}

export interface SpfAnalyzeOptions {
  /** RFC 7208 §4.6.4 sets 10. */
  maxLookups?: number;
  /** RFC 7208 §4.6.4 recommends 2. */
  maxVoidLookups?: number;
}

type Qualifier = SpfTerm['qualifier'];

const VERSION = /^v=spf1(?: |$)/i;
const TERM_NAME = /^([a-z][a-z0-9_.-]*)(.*)$/is;
const MACRO = /^%\{([a-z])(\d*)(r?)([.\-+,/_=]*)\}/i;
const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
// Lazy head so the prefix lengths are taken from the end; a/mx domains may contain "/".
const DUAL_CIDR = /^(.*?)((?:\/(?:0|[1-9]\d*))?(?:\/\/(?:0|[1-9]\d*))?)$/s;

export function isSpfRecord(txt: string): boolean {
  return VERSION.test(txt);
}

export function parseSpf(record: string): SpfParse {
  if (!isSpfRecord(record)) return { ok: false, message: 'the record does not start with "v=spf1"' };
  const terms: SpfTerm[] = [];
  // RFC 7208 §12: terms are separated by spaces only; runs of spaces are allowed.
  for (const text of record.slice('v=spf1'.length).split(' ')) {
    if (text === '') continue;
    const term = parseTerm(text);
    if (typeof term === 'string') return { ok: false, message: term };
    // §6: a second redirect or exp makes the record invalid, not merely redundant.
    if ((term.kind === 'redirect' || term.kind === 'exp') && terms.some((t) => t.kind === term.kind)) {
      return { ok: false, message: `"${term.kind}=" appears more than once` };
    }
    terms.push(term);
  }
  return { ok: true, terms };
}

function isQualifier(c: string | undefined): c is Qualifier {
  return c === '+' || c === '-' || c === '~' || c === '?';
}

/** A term, or why it is invalid. */
function parseTerm(text: string): SpfTerm | string {
  const first = text[0];
  const qualifier: Qualifier = isQualifier(first) ? first : '+';
  const body = isQualifier(first) ? text.slice(1) : text;
  const match = TERM_NAME.exec(body);
  if (!match) return `"${text}" is not a known mechanism`;
  const name = match[1]!;
  const rest = match[2]!;
  if (rest.startsWith('=')) {
    if (isQualifier(first)) return `"${text}": a modifier takes no qualifier`;
    return parseModifier(text, name, rest.slice(1));
  }
  const kind = name.toLowerCase();
  switch (kind) {
    case 'all':
      return rest === '' ? { qualifier, kind, value: null } : `"${text}": "all" takes no argument`;
    case 'include':
    case 'exists': {
      if (!rest.startsWith(':')) return `"${text}": "${kind}" needs a domain (${kind}:<domain>)`;
      const spec = rest.slice(1);
      const bad = checkDomainSpec(spec);
      return bad === null ? { qualifier, kind, value: spec } : `"${text}": ${bad}`;
    }
    case 'ptr': {
      if (rest === '') return { qualifier, kind, value: null };
      if (!rest.startsWith(':')) return `"${text}": "ptr" takes only a domain (ptr:<domain>)`;
      const spec = rest.slice(1);
      const bad = checkDomainSpec(spec);
      return bad === null ? { qualifier, kind, value: spec } : `"${text}": ${bad}`;
    }
    case 'a':
    case 'mx':
      return parseHostMechanism(text, qualifier, kind, rest);
    case 'ip4':
    case 'ip6':
      return parseIpMechanism(text, qualifier, kind, rest);
    default:
      return `"${text}" is not a known mechanism`;
  }
}

function parseModifier(text: string, name: string, value: string): SpfTerm | string {
  const kind = name.toLowerCase();
  if (kind === 'redirect' || kind === 'exp') {
    const bad = checkDomainSpec(value);
    return bad === null ? { qualifier: '+', kind, value } : `"${text}": ${bad}`;
  }
  // Unknown modifiers are ignored by receivers, but a malformed macro still fails the record (§4.6).
  const scan = scanMacroString(value, false);
  if ('error' in scan) return `"${text}": ${scan.error}`;
  return { qualifier: '+', kind: 'unknown-modifier', value, name };
}

function parseHostMechanism(text: string, qualifier: Qualifier, kind: 'a' | 'mx', rest: string): SpfTerm | string {
  const match = DUAL_CIDR.exec(rest)!;
  const head = match[1]!;
  const cidr = match[2]!;
  if (head !== '' && !head.startsWith(':')) return `"${text}": "${kind}" takes an optional domain and prefix lengths (${kind}:<domain>/<ip4 prefix>//<ip6 prefix>)`;
  const [, ip4Prefix, ip6Prefix] = /^(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(cidr)!;
  if (ip4Prefix !== undefined && Number(ip4Prefix) > 32) return `"${text}": "/${ip4Prefix}" is not an IPv4 prefix length from 0 to 32`;
  if (ip6Prefix !== undefined && Number(ip6Prefix) > 128) return `"${text}": "//${ip6Prefix}" is not an IPv6 prefix length from 0 to 128`;
  let value: string | null = null;
  if (head !== '') {
    value = head.slice(1);
    const bad = checkDomainSpec(value);
    if (bad !== null) return `"${text}": ${bad}`;
  }
  return cidr === '' ? { qualifier, kind, value } : { qualifier, kind, value, cidr };
}

function parseIpMechanism(text: string, qualifier: Qualifier, kind: 'ip4' | 'ip6', rest: string): SpfTerm | string {
  const family = kind === 'ip4' ? 'IPv4' : 'IPv6';
  if (!rest.startsWith(':') || rest.length === 1) return `"${text}": "${kind}" needs an ${family} address (${kind}:<address>[/<prefix length>])`;
  const value = rest.slice(1);
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  // Zone ids ("fe80::1%eth0") mean nothing to a remote receiver; node:net would accept them.
  const valid = kind === 'ip4' ? IPV4.test(address) : isIPv6(address) && !address.includes('%');
  if (!valid) return `"${text}": "${address}" is not an ${family} address`;
  if (slash !== -1) {
    const prefix = value.slice(slash + 1);
    const max = kind === 'ip4' ? 32 : 128;
    if (!/^(?:0|[1-9]\d*)$/.test(prefix) || Number(prefix) > max) return `"${text}": "/${prefix}" is not an ${family} prefix length from 0 to ${max}`;
  }
  return { qualifier, kind, value };
}

type MacroScan = { error: string } | { hasMacro: boolean; endsWithMacro: boolean };

/** RFC 7208 §7.1 macro-string. In domain-specs the c, r and t letters are reserved for exp text (§7.2). */
function scanMacroString(text: string, inDomainSpec: boolean): MacroScan {
  let hasMacro = false;
  let endsWithMacro = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '%') {
      hasMacro = true;
      endsWithMacro = true;
      const next = text[i + 1];
      if (next === '%' || next === '_' || next === '-') {
        i += 2;
        continue;
      }
      const macro = MACRO.exec(text.slice(i));
      if (!macro) return { error: `"${text}" has an invalid macro at "${text.slice(i)}"` };
      const letter = macro[1]!.toLowerCase();
      if (!'slodiphcrtv'.includes(letter)) return { error: `"${macro[0]}" is not a known macro` };
      if (inDomainSpec && 'crt'.includes(letter)) return { error: `the "${macro[0]}" macro is only allowed in explanation text` };
      if (macro[2] !== '' && Number(macro[2]) === 0) return { error: `"${macro[0]}" keeps 0 parts` };
      i += macro[0].length;
      continue;
    }
    const code = c.charCodeAt(0);
    if (code < 0x21 || code > 0x7e) return { error: `"${text}" contains ${JSON.stringify(c)}, which is not printable ASCII` };
    endsWithMacro = false;
    i += 1;
  }
  return { hasMacro, endsWithMacro };
}

/** Why a domain-spec (RFC 7208 §7.1) is invalid, or null. */
function checkDomainSpec(spec: string): string | null {
  if (spec === '') return 'the domain is empty';
  const scan = scanMacroString(spec, true);
  if ('error' in scan) return scan.error;
  if (scan.endsWithMacro) return null;
  const name = spec.endsWith('.') ? spec.slice(0, -1) : spec;
  const labels = name.split('.');
  if (labels.length < 2 || !TOPLABEL.test(labels[labels.length - 1]!)) return `"${spec}" is not a fully qualified domain name`;
  // Checkable only without macros: an expansion may fill an empty-looking label.
  if (!scan.hasMacro && (name.length > 253 || labels.some((l) => l === '' || l.length > 63))) return `"${spec}" is not a valid domain name`;
  return null;
}

function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** How a non-root record was reached, so messages can say whose record points at it. */
interface Via {
  kind: 'include' | 'redirect';
  from: string;
}

interface Walk {
  maxLookups: number;
  lookups: number;
  /** Some target was left unfetched after the limit: `lookups` is then a lower bound. */
  unfollowed: boolean;
  voidNames: string[];
  problems: SpfProblem[];
  includes: Set<string>;
  ips: Set<string>;
  txt: (name: string) => Promise<DnsResult<string[]>>;
}

function subject(name: string, via: Via | undefined): string {
  if (!via) return name;
  return `${name} (${via.kind === 'include' ? 'included by' : 'redirect target of'} ${via.from})`;
}

function multipleRecords(name: string, via: Via | undefined, count: number): SpfProblem {
  return {
    code: 'multiple_records',
    message: `${subject(name, via)} has ${count} SPF records; receivers treat that as a permanent error (RFC 7208 §4.5): merge them into one`,
  };
}

function lookupFailed(name: string, via: Via | undefined, cause: string): SpfProblem {
  return {
    code: 'lookup_failed',
    name,
    message: `The DNS lookup for ${subject(name, via)} failed (${cause}): the SPF result is unknown and receivers return a temporary error; try again later`,
  };
}

export async function analyzeSpf(domain: string, resolver: DnsResolver, options: SpfAnalyzeOptions = {}): Promise<SpfAnalysis> {
  const root = normalizeName(domain);
  const maxVoidLookups = options.maxVoidLookups ?? 2;
  // Diamonds reach one target twice; its answer cannot differ within one analysis.
  const cache = new Map<string, Promise<DnsResult<string[]>>>();
  const walk: Walk = {
    maxLookups: options.maxLookups ?? 10,
    lookups: 0,
    unfollowed: false,
    voidNames: [],
    problems: [],
    includes: new Set(),
    ips: new Set(),
    txt: (name) => {
      let result = cache.get(name);
      if (!result) {
        result = resolver.resolveTxt(name);
        cache.set(name, result);
      }
      return result;
    },
  };
  const finish = (status: SpfAnalysis['status'], records: string[]): SpfAnalysis => ({
    status,
    records,
    lookups: walk.lookups,
    problems: walk.problems,
    includes: [...walk.includes],
    ips: [...walk.ips],
  });

  const answer = await walk.txt(root);
  if (!answer.ok) {
    if (answer.error.code !== 'servfail') return finish('missing', []);
    walk.problems.push(lookupFailed(root, undefined, answer.error.cause));
    return finish('error', []);
  }
  const records = answer.value.filter(isSpfRecord);
  if (records.length === 0) return finish('missing', []);
  if (records.length > 1) {
    walk.problems.push(multipleRecords(root, undefined, records.length));
    return finish('error', records);
  }

  await walkRecord(walk, root, records[0]!, [root], undefined);

  if (walk.lookups > walk.maxLookups) {
    const count = `${walk.unfollowed ? 'at least ' : ''}${walk.lookups}`;
    walk.problems.push({
      code: 'too_many_lookups',
      lookups: walk.lookups,
      message: `The SPF record of ${root} needs ${count} DNS lookups; receivers allow at most ${walk.maxLookups} (RFC 7208 §4.6.4)`,
    });
  }
  if (walk.voidNames.length > maxVoidLookups) {
    walk.problems.push({
      code: 'too_many_void_lookups',
      voidLookups: walk.voidNames.length,
      message:
        `The SPF record of ${root} leads to ${walk.voidNames.length} DNS lookups that find nothing (${walk.voidNames.join(', ')}); ` +
        `receivers allow at most ${maxVoidLookups} (RFC 7208 §4.6.4)`,
    });
  }
  return finish(walk.problems.length === 0 ? 'ok' : 'error', records);
}

/** `path` is the chain of domains from the root to `name`, both included. */
async function walkRecord(walk: Walk, name: string, record: string, path: string[], via: Via | undefined): Promise<void> {
  const parsed = parseSpf(record);
  if (!parsed.ok) {
    walk.problems.push({
      code: 'syntax',
      name,
      message: `The SPF record of ${subject(name, via)} is invalid: ${parsed.message}; receivers treat that as a permanent error (RFC 7208 §4.6)`,
    });
    return;
  }
  let redirect: string | null = null;
  for (const term of parsed.terms) {
    switch (term.kind) {
      case 'ip4':
      case 'ip6':
        walk.ips.add(term.value!);
        break;
      case 'a':
      case 'mx':
      case 'ptr':
      case 'exists':
        walk.lookups += 1;
        break;
      case 'include':
        await follow(walk, 'include', normalizeName(term.value!), name, path, via);
        break;
      case 'redirect':
        redirect = term.value;
        break;
      default:
        break;
    }
  }
  // §6.1: with an "all" anywhere, redirect is never reached, so it is neither counted nor followed.
  if (redirect !== null && !parsed.terms.some((t) => t.kind === 'all')) {
    await follow(walk, 'redirect', normalizeName(redirect), name, path, via);
  }
}

async function follow(walk: Walk, kind: Via['kind'], target: string, from: string, path: string[], fromVia: Via | undefined): Promise<void> {
  walk.lookups += 1;
  walk.includes.add(target);
  if (walk.lookups > walk.maxLookups) {
    walk.unfollowed = true;
    return;
  }
  if (target.includes('%')) return;
  if (path.includes(target)) {
    walk.problems.push({
      code: 'syntax',
      name: from,
      message:
        `The SPF record of ${subject(from, fromVia)} ${kind === 'include' ? 'includes' : 'redirects to'} ${target}, which is already being evaluated ` +
        `(${[...path, target].join(' → ')}); receivers follow the loop until the lookup limit fails the check (RFC 7208 §4.6.4)`,
    });
    return;
  }
  const via: Via = { kind, from };
  const section = kind === 'include' ? '§5.2' : '§6.1';
  const notFound = (detail: string): SpfProblem => ({
    code: 'include_not_found',
    name: target,
    message: `${subject(target, via)} has no SPF record (${detail}); receivers treat that as a permanent error (RFC 7208 ${section})`,
  });
  const answer = await walk.txt(target);
  if (!answer.ok) {
    if (answer.error.code === 'servfail') {
      walk.problems.push(lookupFailed(target, via, answer.error.cause));
      return;
    }
    walk.voidNames.push(target);
    walk.problems.push(notFound(answer.error.code === 'nxdomain' ? 'the name does not exist' : 'it has no TXT records'));
    return;
  }
  const records = answer.value.filter(isSpfRecord);
  if (records.length === 0) {
    walk.problems.push(notFound('none of its TXT records starts with "v=spf1"'));
    return;
  }
  if (records.length > 1) {
    walk.problems.push(multipleRecords(target, via, records.length));
    return;
  }
  await walkRecord(walk, target, records[0]!, [...path, target], via);
}
