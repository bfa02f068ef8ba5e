#!/usr/bin/env bash
# Installs SST's platform (.sst/platform: the types that sst.config.ts and infra/ are checked
# against) without the Pulumi CLI download that every other sst command starts with, so that
# `npm run typecheck` works offline. Re-runs only when the pinned sst version changes.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p 'require("./node_modules/sst/package.json").version')
stamp=.sst/platform/.coffer-sst-version
if [ -f .sst/platform/config.d.ts ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
echo "Installing SST platform $want into .sst/platform (offline-safe, ~30 s the first time)..."
SST_SKIP_DEPENDENCY_CHECK=1 SST_NO_BUN=1 SST_TELEMETRY_DISABLED=1 npx sst install --stage ci
echo "$want" > "$stamp"
