exports.fmt = (n) => require("ms")(n);
exports.msVersion = require("ms/package.json").version;
