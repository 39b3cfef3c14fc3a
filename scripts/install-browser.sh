#!/usr/bin/env bash
# Installs Debian's chromium for scripts/check-reports.sh, only when missing (as install-deps.sh).
set -euo pipefail
dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed" && exit 0
echo "recur: installing chromium (headless report checks)"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
