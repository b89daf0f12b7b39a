const shared = require("@hp/shared");
console.log(shared.greeting(), shared.duration("1h"));
