-- Word frequency: N words drawn from 1,000, counted into a table.
local words = {}
for i = 0, N - 1 do words[#words + 1] = "w" .. ((i * 7919) % 1000) end
local counts, keys = {}, 0
for _, w in ipairs(words) do
  local c = counts[w]
  if c == nil then keys, c = keys + 1, 0 end
  counts[w] = c + 1
end
return 1000 * keys + counts["w7"]
