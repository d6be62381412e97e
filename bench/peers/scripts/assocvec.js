// Updating an N-element array at N scattered indices, then summing it.
const v = Array.from({ length: N }, (_, i) => i);
for (let i = 0; i < N; i++) v[(i * 7919) % N] = i;
v.reduce((a, b) => a + b, 0);
