-- Sorting N integers in a scrambled order.
local xs = {}
for i = 0, N - 1 do xs[#xs + 1] = (i * 7919) % 200003 end
table.sort(xs)
return 1000000 * xs[math.floor(N / 2) + 1] + xs[N]
