/**
 * Rewrites an HTML body for tracking: each `<a href="http(s)://…">` points at a click URL
 * and a 1×1 image is placed before `</body>` (or at the end). Deliberately a scanner of
 * `<a …>` tags rather than a DOM: the rest of the document is left byte for byte as written.
 * Links that are not http(s) (mailto:, tel:, #anchors), and links marked
 * `data-relaypress-notrack`, are left alone.
 */

export interface HtmlTracking {
  /** The tracked URL for a link's (entity-decoded) target, or null to leave it. */
  clickUrl: ((url: string) => string) | null;
  pixelUrl: string | null;
}

const ANCHOR = /<a\b[^>]*>/gi;
const HREF = /(\shref\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z0-9]+);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return ENTITIES[lower] ?? whole;
  });
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function rewriteHtml(html: string, tracking: HtmlTracking): { html: string; links: number } {
  let links = 0;
  let out = html;
  if (tracking.clickUrl) {
    const clickUrl = tracking.clickUrl;
    out = out.replace(ANCHOR, (tag) => {
      if (/\sdata-relaypress-notrack\b/i.test(tag)) return tag;
      const match = HREF.exec(tag);
      if (!match) return tag;
      const target = decodeEntities((match[3] ?? match[4] ?? match[5] ?? '').trim());
      if (!/^https?:\/\//i.test(target)) return tag;
      links++;
      return tag.replace(HREF, `${match[1]}"${escapeAttribute(clickUrl(target))}"`);
    });
  }
  if (tracking.pixelUrl) {
    const pixel = `<img src="${escapeAttribute(tracking.pixelUrl)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
    const close = out.search(/<\/body\s*>/i);
    out = close === -1 ? `${out}${pixel}` : `${out.slice(0, close)}${pixel}${out.slice(close)}`;
  }
  return { html: out, links };
}
