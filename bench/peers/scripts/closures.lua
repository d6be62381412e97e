-- N calls of a function composed from closures.
local function compose(f, g) return function(x) return f(g(x)) end end
local h = compose(function(x) return x + 1 end, function(x) return (x * 3) % 1000003 end)
local acc = 1
for _ = 1, N do acc = h(acc) end
return acc
