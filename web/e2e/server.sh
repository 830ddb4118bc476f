#!/bin/sh
# Starts the real API server with the built web app on a fresh SQLite database (Playwright's webServer).
set -e
cd "$(dirname "$0")/../.."
DB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/yishi-e2e.XXXXXX")
export YISHI_DATABASE_URL="sqlite:///$DB_DIR/e2e.db" YISHI_PROCESSES_DIR=processes YISHI_DEMO=1 YISHI_DEV_CLOCK=1 YISHI_TICK_SECONDS=0
.venv/bin/yishi db upgrade >/dev/null
exec .venv/bin/uvicorn api.app:app --host 127.0.0.1 --port "${E2E_PORT:-8799}"
