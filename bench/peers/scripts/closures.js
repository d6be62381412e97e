// N calls of a function composed from closures.
const compose = (f, g) => (x) => f(g(x));
const h = compose((x) => x + 1, (x) => (x * 3) % 1000003);
let acc = 1;
for (let i = 0; i < N; i++) acc = h(acc);
acc;
