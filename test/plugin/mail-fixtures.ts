import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { php, type RelayedSite } from './harness.ts';

/**
 * The three kinds of mail the WordPress tests trigger, each the way it happens on a real site:
 * a password reset through wp-login.php, core's new-user notification, and a plugin's own
 * wp_mail() with Cc, Bcc, Reply-To, HTML + AltBody and two attachments.
 */

export const PLUGIN_MAIL = {
  to: 'Customer <customer@example.org>',
  cc: 'Manager <manager@example.net>',
  bcc: 'archive@example.com',
  replyTo: 'Support <support@example.test>',
  subject: 'Order 1001 shipped – Grüße',
  html: '<html><body><h1>Order 1001</h1><p>Your parcel is on its way. Grüße aus Köln!</p></body></html>',
  altBody: 'Order 1001\n\nYour parcel is on its way. Grüße aus Köln!',
};

export interface Attachments {
  dir: string;
  files: { name: string; bytes: Buffer }[];
  remove(): void;
}

/** A binary file and a text file with mixed line ends: both must arrive byte for byte. */
export function makeAttachments(): Attachments {
  const dir = mkdtempSync(path.join(tmpdir(), 'relaypress-e2e-files-'));
  const files = [
    { name: 'invoice-1001.pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(24 * 1024)]) },
    { name: 'notes.txt', bytes: Buffer.from('line one\r\nline two\nZeile drei: äöü\n\n.\nend', 'utf8') },
  ];
  for (const f of files) writeFileSync(path.join(dir, f.name), f.bytes);
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** POST wp-login.php?action=lostpassword as the form does; WordPress answers 302 to checkemail=confirm only if wp_mail() returned true. */
export function requestPasswordReset(rs: RelayedSite, userLogin = 'admin') {
  return rs.site.request('/wp-login.php?action=lostpassword', {
    method: 'POST',
    form: { user_login: userLogin, redirect_to: '', 'wp-submit': 'Get New Password' },
  });
}

/** Creates a user and sends core's notifications to admin and user. Returns the in-PHP duration. */
export async function notifyNewUser(rs: RelayedSite, login: string, email: string): Promise<{ userId: number; ms: number; wallMs: number }> {
  const { stdout, ms: wallMs } = await rs.site.php(`
		$id = wp_insert_user( array( 'user_login' => ${php(login)}, 'user_email' => ${php(email)}, 'user_pass' => wp_generate_password() ) );
		if ( is_wp_error( $id ) ) { fwrite( STDERR, $id->get_error_message() ); exit( 1 ); }
		$t = microtime( true );
		wp_new_user_notification( $id, null, 'both' );
		echo wp_json_encode( array( 'userId' => $id, 'ms' => ( microtime( true ) - $t ) * 1000 ) );
	`);
  return { ...JSON.parse(stdout), wallMs };
}

/** A plugin's wp_mail(): returns what wp_mail() returned and how long it took. */
export async function sendPluginMail(rs: RelayedSite, attachments: Attachments, overrides: { from?: string } = {}): Promise<{ ok: boolean; ms: number; logId: number | null; wallMs: number }> {
  const m = PLUGIN_MAIL;
  const headers = [
    'Content-Type: text/html; charset=UTF-8',
    `Cc: ${m.cc}`,
    `Bcc: ${m.bcc}`,
    `Reply-To: ${m.replyTo}`,
    ...(overrides.from ? [`From: ${overrides.from}`] : []),
  ];
  const { stdout, ms: wallMs } = await rs.site.php(`
		add_action( 'phpmailer_init', function ( $mailer ) { $mailer->AltBody = ${php(m.altBody)}; } );
		$t  = microtime( true );
		$ok = wp_mail( ${php(m.to)}, ${php(m.subject)}, ${php(m.html)}, array( ${headers.map(php).join(', ')} ), array( ${attachments.files.map((f) => php(path.join(attachments.dir, f.name))).join(', ')} ) );
		$ms = ( microtime( true ) - $t ) * 1000;
		echo wp_json_encode( array( 'ok' => $ok, 'ms' => $ms, 'logId' => \\RelayPress\\Plugin::instance()->outbox->last_log_id ) );
	`);
  return { ...JSON.parse(stdout), wallMs };
}
