import { createHash } from 'node:crypto';
import { domainToUnicode } from 'node:url';

/**
 * The small HTML pages a person sees on the unsubscribe link: a confirmation with a button
 * (the GET, which link scanners also follow, so it must not unsubscribe by itself), and the
 * result. No scripts, no outside resources; every interpolated value is escaped.
 */

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1d2327}'
  + 'button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:4px;background:#2271b1;color:#fff;cursor:pointer}';

// The style is allowed by its hash, so the policy needs no 'unsafe-inline'.
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * Headers for every answer on the link: the URL is a credential, so it must not leak through
 * a Referer or a cache, and the page must not be framed (a framed button invites clickjacking).
 */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-Robots-Tag': 'noindex, nofollow',
};

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** `buyer@customer.test` → `b•••@customer.test`: enough to recognise one's own address, not to read it off a shared screen. */
export function maskAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}•••@${domainToUnicode(email.slice(at + 1)) || email.slice(at + 1)}`;
}

function senderName(fromDomain: string | null): string {
  return fromDomain ? domainToUnicode(fromDomain) || fromDomain : 'this sender';
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** The GET answer: asks, and POSTs to the same URL only when the button is pressed. */
export function confirmationPage(email: string, fromDomain: string | null): string {
  return page('Unsubscribe', `<p>Stop emails like this one from <strong>${escapeHtml(senderName(fromDomain))}</strong> to <strong>${escapeHtml(maskAddress(email))}</strong>?</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`);
}

export function unsubscribedPage(email: string, fromDomain: string | null, already: boolean): string {
  const sender = escapeHtml(senderName(fromDomain));
  const address = escapeHtml(maskAddress(email));
  return already
    ? page('Already unsubscribed', `<p><strong>${address}</strong> was already unsubscribed from emails from <strong>${sender}</strong>. Nothing has changed.</p>`)
    : page('Unsubscribed', `<p><strong>${address}</strong> will no longer receive emails like this one from <strong>${sender}</strong>.</p>
<p>Messages about your own orders or account, such as receipts, can still arrive.</p>`);
}

export function invalidLinkPage(): string {
  return page('Link not valid', '<p>This unsubscribe link is not valid. Please use the link from the email exactly as it is.</p>');
}

export function goneLinkPage(): string {
  return page('Link expired', '<p>This unsubscribe link refers to an email the sender no longer keeps, so it can no longer be used. Nothing has changed.</p>');
}

export function errorPage(): string {
  return page('Please try again', '<p>Something went wrong on our side. Nothing has changed; please try again in a few minutes.</p>');
}
