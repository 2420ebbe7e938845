/**
 * A status word with a colour. The word is always there: colour alone says nothing to
 * screen readers or colour-blind users.
 */
import { __ } from '@wordpress/i18n';

const LABELS: Record< string, () => string > = {
	queued: () => __( 'Queued', 'relaypress' ),
	sent: () => __( 'Sent', 'relaypress' ),
	deferred: () => __( 'Deferred', 'relaypress' ),
	delivered: () => __( 'Delivered', 'relaypress' ),
	bounced: () => __( 'Bounced', 'relaypress' ),
	failed: () => __( 'Failed', 'relaypress' ),
	pending: () => __( 'Pending', 'relaypress' ),
	verified: () => __( 'Verified', 'relaypress' ),
	failing: () => __( 'Failing', 'relaypress' ),
	ok: () => __( 'OK', 'relaypress' ),
	missing: () => __( 'Missing', 'relaypress' ),
	mismatched: () => __( 'Mismatched', 'relaypress' ),
	error: () => __( 'Error', 'relaypress' ),
	unknown: () => __( 'Unknown', 'relaypress' ),
	unchecked: () => __( 'Not checked', 'relaypress' ),
	active: () => __( 'Active', 'relaypress' ),
	retired: () => __( 'Retired', 'relaypress' ),
};

const TONE: Record< string, 'good' | 'bad' | 'wait' | 'neutral' > = {
	delivered: 'good',
	verified: 'good',
	ok: 'good',
	active: 'good',
	bounced: 'bad',
	failed: 'bad',
	failing: 'bad',
	missing: 'bad',
	mismatched: 'bad',
	error: 'bad',
	queued: 'wait',
	sent: 'wait',
	deferred: 'wait',
	pending: 'wait',
};

export function statusLabel( status: string ): string {
	return LABELS[ status ]?.() ?? status;
}

export function StatusBadge( { status }: { status: string } ) {
	return <span className={ `relaypress-badge relaypress-badge--${ TONE[ status ] ?? 'neutral' }` }>{ statusLabel( status ) }</span>;
}
