// Word frequency: N words drawn from 1,000, counted into a Map.
const words = Array.from({ length: N }, (_, i) => "w" + ((i * 7919) % 1000));
const counts = new Map();
for (const w of words) counts.set(w, (counts.get(w) || 0) + 1);
1000 * counts.size + counts.get("w7");
