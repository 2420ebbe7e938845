#!/usr/bin/env bash
# Runs the plugin's PHPUnit suite against a throwaway WordPress (Debian's 6.1.9) on MariaDB.
#
# Idempotent and unattended for root on a fresh Debian 12 machine: installs the PHP packages
# and PHPUnit if missing, unpacks Debian's wordpress package into a cache folder (without its
# apache2 dependencies), starts MariaDB if it is down, then builds a WordPress in a temp dir
# with its own database, installs it with wp_install(), activates the plugin (symlinked from
# this checkout) and runs PHPUnit. The database and temp dir are removed on exit.
#
# Environment: RELAYPRESS_WP_CACHE (default /var/cache/relaypress/wordpress),
# RELAYPRESS_TEST_DB_HOST (127.0.0.1), RELAYPRESS_TEST_DB_USER (root),
# RELAYPRESS_TEST_DB_PASSWORD (empty). Arguments are passed to phpunit (e.g. --filter X).
set -euo pipefail

PLUGIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WP_CACHE="${RELAYPRESS_WP_CACHE:-/var/cache/relaypress/wordpress}"
export RELAYPRESS_TEST_DB_HOST="${RELAYPRESS_TEST_DB_HOST:-127.0.0.1}"
export RELAYPRESS_TEST_DB_USER="${RELAYPRESS_TEST_DB_USER:-root}"
export RELAYPRESS_TEST_DB_PASSWORD="${RELAYPRESS_TEST_DB_PASSWORD:-}"
# libjs-underscore and libjs-cropper: scripts Debian's WordPress links to instead of shipping
# (test/support/wordpress-site.ts points a site's links at them, for wp-admin in a browser).
PACKAGES=(php-cli php-mysql php-curl php-xml php-mbstring php-zip php-intl phpunit libjs-underscore libjs-cropper)

log() { echo "relaypress-test: $*" >&2; }

apt_updated=""
apt_update_once() {
  [ -n "$apt_updated" ] && return
  apt-get update -q >&2
  apt_updated=1
}

# No service may start during installs (policy-rc.d exit 101), ours removed afterwards.
with_no_service_starts() {
  local own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local rc=0
  "$@" || rc=$?
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  return $rc
}

install_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] || { log "missing packages (${missing[*]}); run as root to install them"; exit 1; }
  log "installing ${missing[*]}"
  apt_update_once
  with_no_service_starts env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

install_packages "${PACKAGES[@]}"

# WordPress: Debian's package unpacked, not installed (it depends on apache2 and friends).
WP_CORE="$WP_CACHE/usr/share/wordpress"
if [ ! -f "$WP_CORE/wp-load.php" ]; then
  log "unpacking Debian's wordpress package into $WP_CACHE"
  dl="$(mktemp -d)"
  (cd "$dl" && { apt-get download wordpress >&2 2>/dev/null || { apt_update_once; apt-get download wordpress >&2; }; })
  mkdir -p "$WP_CACHE"
  dpkg-deb -x "$dl"/wordpress_*.deb "$WP_CACHE"
  rm -rf "$dl"
fi

# MariaDB: start it if nothing answers on the configured host.
db_up() { php -r 'mysqli_report(MYSQLI_REPORT_OFF); exit(@mysqli_connect(getenv("RELAYPRESS_TEST_DB_HOST"), getenv("RELAYPRESS_TEST_DB_USER"), getenv("RELAYPRESS_TEST_DB_PASSWORD")) ? 0 : 1);'; }
if ! db_up; then
  if [ ! -x /usr/sbin/mariadbd ]; then
    install_packages mariadb-server
  fi
  log "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql >&2
  for _ in $(seq 1 60); do db_up && break; sleep 0.5; done
  db_up || { log "MariaDB did not come up at $RELAYPRESS_TEST_DB_HOST"; exit 1; }
fi

# A throwaway site.
WORK="$(mktemp -d /tmp/relaypress-wp.XXXXXX)"
export RELAYPRESS_TEST_DB_NAME="relaypress_test_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
export RELAYPRESS_WP_DIR="$WORK/wordpress"
cleanup() {
  php -r 'mysqli_report(MYSQLI_REPORT_OFF); $c=@mysqli_connect(getenv("RELAYPRESS_TEST_DB_HOST"), getenv("RELAYPRESS_TEST_DB_USER"), getenv("RELAYPRESS_TEST_DB_PASSWORD")); if ($c) { mysqli_query($c, "DROP DATABASE IF EXISTS `" . getenv("RELAYPRESS_TEST_DB_NAME") . "`"); }' || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cp -a "$WP_CORE" "$RELAYPRESS_WP_DIR"
rm -f "$RELAYPRESS_WP_DIR/wp-config.php" # Debian's looks up /etc/wordpress; ours replaces it.
mkdir -p "$RELAYPRESS_WP_DIR/wp-content/plugins" "$RELAYPRESS_WP_DIR/wp-content/uploads"
ln -s "$PLUGIN_ROOT/relaypress" "$RELAYPRESS_WP_DIR/wp-content/plugins/relaypress"
# The test-only WooCommerce stand-in, as plugins/woocommerce/ (loads after relaypress/, as the real one).
ln -s "$PLUGIN_ROOT/tests/woocommerce-stand-in" "$RELAYPRESS_WP_DIR/wp-content/plugins/woocommerce"
php "$PLUGIN_ROOT/tests/bin/write-wp-config.php" "$RELAYPRESS_WP_DIR/wp-config.php"
php -r 'mysqli_report(MYSQLI_REPORT_ERROR|MYSQLI_REPORT_STRICT); $c=mysqli_connect(getenv("RELAYPRESS_TEST_DB_HOST"), getenv("RELAYPRESS_TEST_DB_USER"), getenv("RELAYPRESS_TEST_DB_PASSWORD")); mysqli_query($c, "CREATE DATABASE `" . getenv("RELAYPRESS_TEST_DB_NAME") . "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");'
# WordPress 6.1 on PHP 8.2 prints deprecation notices while installing: show them only on failure.
php -d sendmail_path=/bin/true "$PLUGIN_ROOT/tests/bin/install-wordpress.php" >"$WORK/install.log" 2>&1 || {
  cat "$WORK/install.log" >&2
  log "installing WordPress failed"
  exit 1
}

cd "$PLUGIN_ROOT"
# sendmail_path: the "not configured" test lets core call mail(); it must not reach a real MTA.
php -d sendmail_path=/bin/true "$(command -v phpunit)" -c "$PLUGIN_ROOT/phpunit.xml.dist" "$@"
