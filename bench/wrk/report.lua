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

local paths_file = os.getenv("BENCH_PATHS")
if paths_file and paths_file ~= "" then
  local paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("BENCH_PATHS " .. paths_file .. " is empty") end
  local n = #paths
  init = function(args)
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  end
  request = function()
    return wrk.format(nil, paths[math.random(n)])
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
