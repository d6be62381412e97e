-- N strings "item-<i>" joined with commas; the result is the length.
local parts = {}
for i = 0, N - 1 do parts[#parts + 1] = "item-" .. i end
return #table.concat(parts, ",")
