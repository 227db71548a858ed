#!/usr/bin/env bash
# Sets up .venv with policy, its test tools and the example plugin package. Where this machine
# allows it (root, Debian's apt-get), it also installs Debian's Chromium and a Chinese font for the
# browser test of the assessors' page; elsewhere that one test is skipped and says why. No
# browser is ever downloaded by a test tool (never `playwright install`).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]' -e examples/bank_branch
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { timeout 900 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq chromium fonts-wqy-microhei; } >/dev/null 2>&1 \
      || echo "setup: Debian's chromium could not be installed; the browser test will be skipped" >&2
  else
    echo "setup: no /usr/bin/chromium (as root: apt-get install chromium); the browser test will be skipped" >&2
  fi
fi
timeout 900 .venv/bin/pip install -q playwright || echo "setup: playwright not installed; the browser test will be skipped" >&2
