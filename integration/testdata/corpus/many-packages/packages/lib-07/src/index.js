const d0 = require("@many/lib-06");
exports.name = require("./name.json").name;
exports.depth = 1 + Math.max(0, d0.depth);
exports.padded = require("left-pad")("7", 3, "0");
