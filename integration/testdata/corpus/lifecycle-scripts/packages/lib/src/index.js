exports.version = require("./version.js");
