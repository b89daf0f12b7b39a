const d0 = require("@many/lib-00");
exports.name = require("./name.json").name;
exports.depth = 1 + Math.max(0, d0.depth);
