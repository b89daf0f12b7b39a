exports.name = require("./name.json").name;
exports.depth = 1 + Math.max(0, 0);
