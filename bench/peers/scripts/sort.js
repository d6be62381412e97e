// Sorting N integers in a scrambled order.
const xs = Array.from({ length: N }, (_, i) => (i * 7919) % 200003);
xs.sort((a, b) => a - b);
1000000 * xs[N / 2] + xs[N - 1];
