/**
 * A domain's DNS records: what to publish (with copy buttons) and what the last check found.
 */
import { __ } from '@wordpress/i18n';

import type { DnsRecord } from '../api/types';
import { decodeEntities } from '../text';
import { CopyButton } from './copy-button';
import { DataTable } from './data-table';
import { StatusBadge } from './status-badge';

/** The relay names a record's purpose by key (records.ts in the relay); people read these. */
export function purposeLabel( purpose: string ): string {
	switch ( purpose ) {
		case 'dkim':
			return __( 'DKIM signature', 'relaypress' );
		case 'return_path_mx':
			return __( 'Bounces (return path MX)', 'relaypress' );
		case 'return_path_spf':
			return __( 'Return path SPF', 'relaypress' );
		case 'spf':
			return __( 'SPF', 'relaypress' );
		case 'dmarc':
			return __( 'DMARC', 'relaypress' );
		case 'tracking_cname':
			return __( 'Tracking links', 'relaypress' );
		default:
			return purpose;
	}
}

export function DnsRecords( { records }: { records: DnsRecord[] } ) {
	if ( records.length === 0 ) {
		return <p>{ __( 'The relay has no DNS records for this domain yet.', 'relaypress' ) }</p>;
	}
	return (
		<DataTable
			className="relaypress-dns"
			caption={ __( 'DNS records to publish', 'relaypress' ) }
			columns={ [ __( 'Purpose', 'relaypress' ), __( 'Type', 'relaypress' ), __( 'Name', 'relaypress' ), __( 'Value', 'relaypress' ), __( 'Status', 'relaypress' ) ] }
		>
			{ records.map( ( record, i ) => {
				const name = decodeEntities( record.name );
				const value = decodeEntities( record.value );
				const message = decodeEntities( record.message );
				return (
					<tr key={ `${ record.type }-${ name }-${ i }` }>
						<td>
							{ purposeLabel( decodeEntities( record.purpose ) ) }
							{ ! record.required && <span className="relaypress-muted"> { __( '(optional)', 'relaypress' ) }</span> }
						</td>
						<td>{ record.type }</td>
						<td className="relaypress-dns__value">
							<code>{ name }</code>
							<CopyButton text={ name } label={ /* translators: DNS record name */ __( 'Copy the record name', 'relaypress' ) } />
						</td>
						<td className="relaypress-dns__value">
							<code>
								{ record.priority !== undefined && record.priority !== null ? `${ record.priority } ` : '' }
								{ value }
							</code>
							<CopyButton text={ value } label={ __( 'Copy the record value', 'relaypress' ) } />
						</td>
						<td>
							<StatusBadge status={ record.status } />
							{ message && <div className="relaypress-muted">{ message }</div> }
							{ record.found.length > 0 && record.status !== 'ok' && (
								<div className="relaypress-muted">
									{ __( 'Found:', 'relaypress' ) } { record.found.map( decodeEntities ).join( ', ' ) }
								</div>
							) }
						</td>
					</tr>
				);
			} ) }
		</DataTable>
	);
}
