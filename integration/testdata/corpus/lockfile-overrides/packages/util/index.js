const isOdd = require("is-odd");
const isEven = require("is-even");
exports.parity = (n) => (isOdd(n) ? "odd" : isEven(n) ? "even" : "neither");
