// Sum of 1..N. goja has no proper tail calls (10 million frames would
// overflow), so the loop is a for loop.
function sumTo(n) {
  let acc = 0;
  for (let i = n; i > 0; i--) acc += i;
  return acc;
}
sumTo(N);
