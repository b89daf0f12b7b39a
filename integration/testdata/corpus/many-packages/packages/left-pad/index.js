exports.which = "workspace";
