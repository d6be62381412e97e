-- N steps of float arithmetic by a tail-recursive loop.
local function decay(i, x)
  if i == 0 then return x end
  return decay(i - 1, x * 0.999999 + 0.5)
end
return math.floor(decay(N, 0.0))
