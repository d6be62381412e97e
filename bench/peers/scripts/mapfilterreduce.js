// map, filter and reduce over 0..N-1 with the Array methods.
Array.from({ length: N }, (_, i) => i)
  .map((x) => x * 3)
  .filter((x) => x % 2 === 0)
  .reduce((a, b) => a + b, 0);
