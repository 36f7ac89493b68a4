-- wrk script for bench/run.sh: prints one parseable line at the end.
--
--   BENCH requests=N duration_us=D rps=R p50_us=A p90_us=B p99_us=C max_us=M
--         errors=E non2xx=S bytes=Y
--
-- errors counts connect/read/write/timeout errors; non2xx the responses
-- whose status was not 2xx or 3xx (wrk's "status" errors).
--
-- With BENCH_PATHS=FILE (one request path per line, e.g. "/lookup?code=..")
-- every request takes a random line of FILE, so lookups spread over many
-- rows instead of hitting one cached row.  Without it wrk replays the URL of
-- its command line (the fastest way wrk can send).

-- BENCH_HEADER="Name: value" adds one header to every request (an API
-- token).  BENCH_BODY=FILE sends every request as a POST of FILE's bytes
-- (Content-Type: application/json), with BENCH_IDEMPOTENCY=1 a unique
-- Idempotency-Key each (a random prefix per wrk thread and a counter), so
-- every request is a new reception and none is answered from the store.

local headers = {}
local header = os.getenv("BENCH_HEADER")
if header and header ~= "" then
  local name, value = header:match("^([^:]+):%s*(.*)$")
  if not name then error("BENCH_HEADER must be 'Name: value'") end
  headers[name] = value
end
local method, body = nil, nil
local body_file = os.getenv("BENCH_BODY")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  body = f:read("*a")
  f:close()
  method = "POST"
  headers["Content-Type"] = "application/json"
end
-- BENCH_HEADER_FILE=FILE: one "Name: value" line per caller (API tokens of
-- several agencies); requests take the lines in turn, so a load no single
-- agency could take (9,999 dossier codes per agency and day) is spread.
local hlines = nil
local hfile = os.getenv("BENCH_HEADER_FILE")
if hfile and hfile ~= "" then
  hlines = {}
  for line in io.lines(hfile) do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then hlines[#hlines + 1] = { name, value } end
  end
  if #hlines == 0 then error("BENCH_HEADER_FILE " .. hfile .. " has no header") end
end
local turn = 0
local idem = os.getenv("BENCH_IDEMPOTENCY") == "1"
local prefix, counter = "", 0

local paths, n = nil, 0
local paths_file = os.getenv("BENCH_PATHS")
if paths_file and paths_file ~= "" then
  paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("BENCH_PATHS " .. paths_file .. " is empty") end
  n = #paths
end

if paths or method or next(headers) or hlines then
  init = function(args)
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
    prefix = string.format("bench-%08x%08x-", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  end
  request = function()
    if hlines then
      turn = turn % #hlines + 1
      headers[hlines[turn][1]] = hlines[turn][2]
    end
    if idem then
      counter = counter + 1
      headers["Idempotency-Key"] = prefix .. counter
    end
    return wrk.format(method, paths and paths[math.random(n)] or nil, headers, body)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d bytes=%d\n",
    summary.requests, summary.duration, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.timeout, e.status, summary.bytes))
end
