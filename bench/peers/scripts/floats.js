// N steps of float arithmetic (goja has no proper tail calls: a for loop).
let x = 0.0;
for (let i = N; i > 0; i--) x = x * 0.999999 + 0.5;
Math.trunc(x);
