#!/usr/bin/env bash
# Debian packages jifen needs beside Python: a CJK font and HarfBuzz's subsetter for PDFs
# (without libharfbuzz-subset0 WeasyPrint falls back to fontTools and a Chinese page takes
# seconds), gettext for translations, chromium for the browser tests, LibreOffice Calc for
# the spreadsheet tests (it saves .xls/.ods as offices do and prints the exported workbooks),
# ApacheBench (apache2-utils) for bench/pages.py, the OpenLDAP and SASL headers that
# python-ldap (directory sign-in) is built against, and pg_dump (postgresql-client) for the test
# that scans a PostgreSQL dump for personal data in clear.
# Installs what is missing when it can (root or sudo); otherwise says what is missing.
set -uo pipefail
wanted=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext chromium
  libreoffice-calc-nogui apache2-utils libldap-dev libsasl2-dev postgresql-client)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "system-deps: not a Debian system; please install: ${missing[*]}" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo -n"
echo "system-deps: installing ${missing[*]}"
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null; then
  echo "system-deps: could not install ${missing[*]} (need root or sudo); PDF, browser and LibreOffice tests may be skipped" >&2
fi
exit 0
