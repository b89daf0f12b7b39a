const quotes = [
  "Make it work, make it right, make it fast.",
  "Simplicity is prerequisite for reliability.",
];

export const quote = (n) => quotes[(n - 1) % quotes.length];
