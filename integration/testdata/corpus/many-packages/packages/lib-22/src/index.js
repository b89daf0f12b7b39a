const d0 = require("@many/lib-21");
exports.name = require("./name.json").name;
exports.depth = 1 + Math.max(0, d0.depth);
