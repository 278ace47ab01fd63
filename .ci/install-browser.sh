#!/bin/sh
# Installs what the dashboard's browser tests need (tests/dashboard/test_browser.py): Debian's
# chromium, and fonts-noto-cjk so Chinese text renders instead of boxes. Idempotent: does nothing
# when /usr/bin/chromium is already there. Runs as root (CI). Never downloads a browser through
# Playwright; the Python `playwright` package alone drives /usr/bin/chromium.
set -eu
if [ -x /usr/bin/chromium ]; then
    echo "install-browser: /usr/bin/chromium present"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium fonts-noto-cjk
/usr/bin/chromium --version
