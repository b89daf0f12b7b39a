const d0 = require("@many/lib-07");
exports.name = require("./name.json").name;
exports.depth = 1 + Math.max(0, d0.depth);
exports.local = require("left-pad").which;
exports.padded = require("@many/lib-07").padded;
