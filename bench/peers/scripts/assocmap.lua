-- Building an N-entry table of new integer keys.
local m, n = {}, 0
for i = 0, N - 1 do m[i], n = i * 2, n + 1 end
return 1000000 * n + m[N - 1]
