#!/usr/bin/env bash
# Install the Debian packages talentfin needs when they are missing (the machine runs as root).
# WeasyPrint needs the Pango stack; libharfbuzz-subset0 makes font subsetting fast; a CJK font
# keeps Chinese dossiers free of tofu boxes; poppler-utils gives pdffonts/pdftotext to the
# tests; chromium is driven by the Playwright browser test; wrk loads the server in `flask bench`;
# postgresql-client gives pg_dump and pg_restore to `flask backup` on PostgreSQL; graphviz draws
# the workflow diagrams.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils chromium wrk
          postgresql-client graphviz)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
