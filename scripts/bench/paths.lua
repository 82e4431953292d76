-- wrk script for scripts/bench-search.sh: GET each path of a file in turn (each thread from a
-- random start), authenticated with an API token.
--   wrk … -s scripts/bench/paths.lua -- PATHS_FILE TOKEN
local paths = {}
local token = ""
local next_index = 1

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  token = args[2]
  math.randomseed(os.time() + #paths + math.floor(os.clock() * 1e6))
  next_index = math.random(#paths)
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index], { ["Authorization"] = "Bearer " .. token })
end
