<?php
/**
 * Writes the plugin zip (argv[2]) from the plugin folder (argv[1]): an allow-list of
 * runtime files, so tests, sources and dot-files never ship.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

list( , $source, $out ) = $argv;
$source = rtrim( realpath( $source ), '/' );

/** Files at the top of relaypress/, and folders taken whole (only these extensions). */
$top_files  = array( 'relaypress.php', 'uninstall.php', 'readme.txt', 'index.php' );
$folders    = array(
	'includes'  => array( 'php' ),
	'languages' => array( 'pot', 'po', 'mo', 'json', 'php' ),
	'build'     => array( 'js', 'css', 'php', 'json', 'map', 'svg', 'png', 'woff', 'woff2' ),
);

$entries = array();
foreach ( $top_files as $file ) {
	if ( is_file( "$source/$file" ) ) {
		$entries[ "relaypress/$file" ] = "$source/$file";
	}
}
foreach ( $folders as $folder => $extensions ) {
	if ( ! is_dir( "$source/$folder" ) ) {
		continue;
	}
	$files = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( "$source/$folder", FilesystemIterator::SKIP_DOTS ) );
	foreach ( $files as $file ) {
		$relative = substr( (string) $file, strlen( $source ) + 1 );
		if ( preg_match( '#(^|/)\.#', $relative ) || ! in_array( strtolower( $file->getExtension() ), $extensions, true ) ) {
			continue;
		}
		$entries[ "relaypress/$relative" ] = (string) $file;
	}
}
ksort( $entries );

@unlink( $out );
$zip = new ZipArchive();
if ( true !== $zip->open( $out, ZipArchive::CREATE | ZipArchive::EXCL ) ) {
	fwrite( STDERR, "cannot write $out\n" );
	exit( 1 );
}
$zip->addEmptyDir( 'relaypress' );
foreach ( $entries as $name => $path ) {
	$zip->addFile( $path, $name );
	$zip->setMtimeName( $name, 315532800 ); // Fixed time: the same sources give the same zip.
}
$zip->close();
