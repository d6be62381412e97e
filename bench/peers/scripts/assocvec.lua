-- Updating an N-element array at N scattered indices, then summing it.
local v = {}
for i = 1, N do v[i] = i - 1 end
for i = 0, N - 1 do v[(i * 7919) % N + 1] = i end
local s = 0
for i = 1, N do s = s + v[i] end
return s
