const d0 = require("@many/lib-12");
exports.name = require("./name.json").name;
exports.depth = 1 + Math.max(0, d0.depth);
