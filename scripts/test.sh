#!/usr/bin/env bash
# Runs every test file (small tests beside the code in src/, medium and end-to-end in test/)
# with node's test runner. Medium tests also run on PostgreSQL when TEST_DATABASE_URL is set.
# A file (each runs in its own process) has 45 minutes: the isolation test calls every route
# with every role on both engines.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
fi
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=2700000 --test-force-exit "${files[@]}"
