#!/usr/bin/env bash
# `npm test`: every test — unit, integration against a real PostgreSQL, and Playwright in
# Chromium against a production build. Stops at the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-browser.sh
echo "[test] unit + integration (vitest)"
npx vitest run
echo "[test] end-to-end (playwright, chromium)"
npx playwright test
