// The settings the postinstall wrote from the template.
module.exports = require("./generated/config.json");
