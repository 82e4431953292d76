# Sourced by scripts that drive a running server (bench-search.sh, schemathesis.sh).
#
#   serve_signed_in BIN DATABASE PORT WORKDIR
#
# Creates an admin account, starts `BIN --database DATABASE serve` on 127.0.0.1:PORT (log in
# WORKDIR/serve.log), waits until it answers, signs in and issues an API token. Sets
# SERVER_PID, BASE and TOKEN; the caller stops the server (kill "$SERVER_PID").
serve_signed_in() {
  local bin="$1" db="$2" port="$3" work="$4"
  local user="auto$$x$port" password csrf
  password="$("$bin" --database "$db" serve add-user "$user" --role admin 2>&1 | sed -n 's/^    //p' | tail -1)"
  BASE="http://127.0.0.1:$port"
  "$bin" --database "$db" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -sf "$BASE/api/v1/openapi.json" >/dev/null 2>&1 && break
    sleep 0.2
  done
  csrf="$(curl -sf -c "$work/cookies" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$user\",\"password\":\"$password\"}" "$BASE/api/v1/auth/login" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')"
  TOKEN="$(curl -sf -b "$work/cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"label":"script"}' "$BASE/api/v1/tokens" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
}
