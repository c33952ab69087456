#!/usr/bin/env bash
# `npm test`: every test — unit, integration against a real PostgreSQL, and Playwright in
# Chromium against a production build. Ends with one "N passed, N failed" line over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-browser.sh || exit 1
rm -rf test-reports && mkdir -p test-reports
status=0

echo "[test] unit + integration (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-reports/vitest.json || status=1

echo "[test] end-to-end (playwright, chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=test-reports/playwright.json npx playwright test --reporter=list,json || status=1

node scripts/test-summary.mjs test-reports/vitest.json test-reports/playwright.json || status=1
exit $status
