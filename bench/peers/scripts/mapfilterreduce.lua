-- map, filter and reduce over 0..N-1, each materialising its result as
-- the RTFS builtins do. Lua has none built in: these are the usual helpers.
local function map(f, xs)
  local out = {}
  for i = 1, #xs do out[i] = f(xs[i]) end
  return out
end

local function filter(p, xs)
  local out = {}
  for i = 1, #xs do
    if p(xs[i]) then out[#out + 1] = xs[i] end
  end
  return out
end

local function reduce(f, acc, xs)
  for i = 1, #xs do acc = f(acc, xs[i]) end
  return acc
end

local xs = {}
for i = 0, N - 1 do xs[#xs + 1] = i end
local tripled = map(function(x) return x * 3 end, xs)
local evens = filter(function(x) return x % 2 == 0 end, tripled)
return reduce(function(a, b) return a + b end, 0, evens)
