#!/usr/bin/env bash
# For engineers working side by side in one checkout: serialises `next build` + whatever uses the build
# (Playwright, integration tests), so one person's build never replaces .next under another's running server.
set -euo pipefail
cd "$(dirname "$0")/.."
exec flock /tmp/hookline-build.lock bash -c 'npx tsx scripts/start.ts --build-only && "$@"' _ "$@"
