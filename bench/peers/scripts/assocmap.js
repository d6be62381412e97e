// Building an N-entry Map of new integer keys.
const m = new Map();
for (let i = 0; i < N; i++) m.set(i, i * 2);
1000000 * m.size + m.get(N - 1);
