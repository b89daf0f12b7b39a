const ms = require("ms");
exports.uptime = () => ms(Math.round(process.uptime() * 1000));
exports.release = () => require("./release.json").release;
