-- Sum of 1..N by a tail-recursive loop: Lua has proper tail calls.
local function sum_to(n, acc)
  if n == 0 then return acc end
  return sum_to(n - 1, acc + n)
end
return sum_to(N, 0)
