#!/usr/bin/env bash
# Installs the Debian packages the test suites use as real peers, when missing:
# postfix (a second SMTP implementation as receiving MX, plus smtp-source/smtp-sink),
# swaks with libnet-ssleay-perl (an independent SMTP client that can STARTTLS), python3-dkim and
# python3-spf (independent DKIM and SPF verifiers), chromium (the browser the admin app's
# Playwright tests drive: playwright-core cannot download browsers here).
# Extra package names may be passed as arguments (bench/run.sh adds OpenDKIM's).
# Services are not started by the install (policy-rc.d): tests start their own instances.
set -euo pipefail
wanted=(postfix swaks libnet-ssleay-perl python3-dkim python3-spf python3-dnspython chromium "$@")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "relaypress: missing Debian packages (${missing[*]}); run as root or install them" >&2
  exit 1
fi
echo "relaypress: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
trap 'if [ $created_policy = 1 ]; then rm -f "$policy"; fi' EXIT
apt-get update -qq >&2 || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
