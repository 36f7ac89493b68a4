-- wrk script for bench/run.sh scenario_catalog_search: public catalogue
-- searches as the portal sends them (limit=20, the page size of
-- web/portal/procedures.html), a mix of what citizens type — with and
-- without diacritics, codes, words in any order — and of filters (field,
-- level, online level, agency).  bench/run.sh puts this file in front of
-- report.lua, whose done() prints the BENCH line.
--
-- Only requests to /api/v1/procedures are rewritten: the same wrk run
-- against the nginx ceiling (another path) keeps its own URL.
--
-- One path per line, quoted and followed by a comma: bench/run.sh reads
-- the list with sed to check every path answers 200 and to size the
-- ceiling's file (the mean body size).  Weights: a path listed twice is
-- sent twice as often (the frequent searches).
local catalog_paths = {
  "/api/v1/procedures?limit=20&q=%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh",
  "/api/v1/procedures?limit=20&q=%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh",
  "/api/v1/procedures?limit=20&q=dang%20ky%20khai%20sinh",
  "/api/v1/procedures?limit=20&q=khai%20sinh",
  "/api/v1/procedures?limit=20&q=k%E1%BA%BFt%20h%C3%B4n",
  "/api/v1/procedures?limit=20&q=ket%20hon",
  "/api/v1/procedures?limit=20&q=khai%20t%E1%BB%AD",
  "/api/v1/procedures?limit=20&q=gi%E1%BA%A5y%20ph%C3%A9p%20x%C3%A2y%20d%E1%BB%B1ng",
  "/api/v1/procedures?limit=20&q=giay%20phep%20xay%20dung",
  "/api/v1/procedures?limit=20&q=c%E1%BA%A5p%20l%E1%BA%A1i",
  "/api/v1/procedures?limit=20&q=%C4%91%E1%BA%A5t",
  "/api/v1/procedures?limit=20&q=dat%20dai",
  "/api/v1/procedures?limit=20&q=chuy%E1%BB%83n%20m%E1%BB%A5c%20%C4%91%C3%ADch%20s%E1%BB%AD%20d%E1%BB%A5ng%20%C4%91%E1%BA%A5t",
  "/api/v1/procedures?limit=20&q=giay%20chung%20nhan%20quyen%20su%20dung%20dat",
  "/api/v1/procedures?limit=20&q=ch%E1%BB%A9ng%20th%E1%BB%B1c",
  "/api/v1/procedures?limit=20&q=chung%20thuc%20ban%20sao",
  "/api/v1/procedures?limit=20&q=h%E1%BB%99%20kinh%20doanh",
  "/api/v1/procedures?limit=20&q=dang%20ky%20ho%20kinh%20doanh",
  "/api/v1/procedures?limit=20&q=th%C6%B0%E1%BB%9Dng%20tr%C3%BA",
  "/api/v1/procedures?limit=20&q=thuong%20tru",
  "/api/v1/procedures?limit=20&q=tam%20tru",
  "/api/v1/procedures?limit=20&q=tr%E1%BB%A3%20c%E1%BA%A5p",
  "/api/v1/procedures?limit=20&q=bao%20tro%20xa%20hoi",
  "/api/v1/procedures?limit=20&q=l%C3%BD%20l%E1%BB%8Bch%20t%C6%B0%20ph%C3%A1p",
  "/api/v1/procedures?limit=20&q=ly%20lich%20tu%20phap",
  "/api/v1/procedures?limit=20&q=%C4%91%E1%BB%95i%20gi%E1%BA%A5y%20ph%C3%A9p%20l%C3%A1i%20xe",
  "/api/v1/procedures?limit=20&q=giay%20phep%20lai%20xe",
  "/api/v1/procedures?limit=20&q=doanh%20nghiep",
  "/api/v1/procedures?limit=20&q=ng%C6%B0%E1%BB%9Di%20c%C3%B3%20c%C3%B4ng",
  "/api/v1/procedures?limit=20&q=b%E1%BA%A3o%20hi%E1%BB%83m%20th%E1%BA%A5t%20nghi%E1%BB%87p",
  "/api/v1/procedures?limit=20&q=H19-HT-01",
  "/api/v1/procedures?limit=20&q=H19-DD",
  "/api/v1/procedures?limit=20&q=BD-00123",
  "/api/v1/procedures?limit=20&q=khai%20sinh&field=ho-tich",
  "/api/v1/procedures?limit=20&q=cap&level=commune",
  "/api/v1/procedures?limit=20&q=dang%20ky&online_level=4",
  "/api/v1/procedures?limit=20&q=giay%20phep&agency=000.00.10.H19",
  "/api/v1/procedures?limit=20&field=dat-dai",
  "/api/v1/procedures?limit=20&level=province&online_level=3",
  "/api/v1/procedures?limit=20",
}

local ncatalog = #catalog_paths

init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

request = function()
  if wrk.path:sub(1, 18) == "/api/v1/procedures" then
    return wrk.format(nil, catalog_paths[math.random(ncatalog)])
  end
  return wrk.format(nil)
end
