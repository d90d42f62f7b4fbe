#!/usr/bin/env bash
# Install what the tests need into .venv, start a throw-away Chroma server, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
. .venv/bin/activate
pip install -q --disable-pip-version-check torch==2.13.0
pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
export HF_HUB_OFFLINE=1

port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server_dir=$(mktemp -d)
chroma run --host 127.0.0.1 --port "$port" --path "$server_dir/chroma" >"$server_dir/chroma.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$server_dir"' EXIT
for _ in $(seq 1 120); do
  python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/v2/heartbeat', timeout=1)" 2>/dev/null && break
  sleep 0.5
done
export CABLEQA_TEST_CHROMA_URL="http://127.0.0.1:$port"
python -m pytest -q -rs "$@"
