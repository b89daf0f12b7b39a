exports.stamp = require("./stamp.json");
exports.ms = require("ms");
