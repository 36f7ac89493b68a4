-- wrk script: POST /api/v1/dossiers (a complete reception at a desk), each
-- request with its own Idempotency-Key, spread over the desks' sessions so
-- that no agency runs out of its 9,999 daily numbers.
--
--   BENCH_SESSIONS=FILE   one "Cookie-value<TAB>CSRF-token" line per desk
--                          (bench/reception.sh writes it)
--
-- Prints bench/wrk/report.lua's BENCH line at the end; non2xx counts every
-- answer that was not a 201 (a 503 when the day's numbers run out, ...).

local sessions_file = os.getenv("BENCH_SESSIONS")
if not sessions_file or sessions_file == "" then error("BENCH_SESSIONS is not set") end
local sessions = {}
for line in io.lines(sessions_file) do
  local cookie, csrf = line:match("^([^\t]+)\t([^\t]+)$")
  if cookie then sessions[#sessions + 1] = { cookie = cookie, csrf = csrf } end
end
if #sessions == 0 then error("BENCH_SESSIONS " .. sessions_file .. " is empty") end

local body = '{"procedure_code": "BENCH-RCV", "channel": "counter",' ..
  ' "applicant": {"name": "Nguyễn Thị Bích Ngọc", "id_number": "079190001234",' ..
  ' "phone": "0912 345 678", "email": "ngoc.nguyen@example.vn",' ..
  ' "address": "Số 12 đường Phan Chu Trinh, phường Quyết Thắng"},' ..
  ' "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0},' ..
  ' {"name": "Bản sao Căn cước công dân", "originals": 0, "copies": 1}],' ..
  ' "return_method": "counter"}'

local counter = 0
local prefix = ""

init = function(args)
  -- A per-thread prefix keeps keys unique across wrk's threads and runs.
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  prefix = string.format("%x-%x", os.time(), math.random(0, 0x7fffffff))
end

request = function()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  return wrk.format("POST", "/api/v1/dossiers", {
    ["Content-Type"] = "application/json",
    ["Cookie"] = s.cookie,
    ["X-CSRF-Token"] = s.csrf,
    ["Idempotency-Key"] = prefix .. "-" .. counter,
  }, body)
end

-- The report (one BENCH line) is report.lua's; load it for its done().
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")
