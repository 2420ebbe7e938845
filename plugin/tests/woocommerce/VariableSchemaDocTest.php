<?php
/**
 * docs/woocommerce-variables.md prints the variable schema the admin app shows: the two must
 * not drift apart.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

use RelayPress\WooCommerce\Variable_Builder;
use RelayPress\WooCommerce\Variable_Schema;

final class VariableSchemaDocTest extends Test_Case {

	private const DOC = __DIR__ . '/../../../docs/woocommerce-variables.md';

	public function test_the_documented_table_is_the_schema_row_for_row(): void {
		$this->assertFileExists( self::DOC );
		$documented = array();
		$in_section = false;
		foreach ( file( self::DOC, FILE_IGNORE_NEW_LINES ) as $line ) {
			if ( str_starts_with( $line, '## ' ) ) {
				$in_section = str_starts_with( $line, '## Variables' );
			}
			if ( ! $in_section || ! str_starts_with( $line, '| `' ) ) {
				continue;
			}
			// Cells split on unescaped pipes; `\|` is a pipe inside a cell (Markdown tables).
			$cells = array_map( static fn( $c ) => str_replace( '\\|', '|', trim( $c ) ), preg_split( '/(?<!\\\\)\|/', trim( $line, '|' ) ) );
			$this->assertCount( 4, $cells, $line );
			$documented[] = array(
				'path'        => trim( $cells[0], '`' ),
				'type'        => $cells[1],
				'emails'      => $cells[2],
				'description' => $cells[3],
			);
		}
		$this->assertSame( Variable_Schema::rows(), $documented );
	}

	public function test_the_documented_version_is_the_sent_one(): void {
		$this->assertStringContainsString( '## Variables (schema version ' . Variable_Builder::SCHEMA_VERSION . ')', (string) file_get_contents( self::DOC ) );
	}
}
