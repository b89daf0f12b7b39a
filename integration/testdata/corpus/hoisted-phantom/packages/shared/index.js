// A phantom dependency: ms is declared by apps/admin only. Under
// nodeLinker: hoisted the repository's install has it in the root
// node_modules, so this works there; the api's production tree lacks it,
// and the api never calls duration().
exports.greeting = () => "hello from a hoisted workspace";
exports.duration = (s) => require("ms")(s);
