package manifest

import "regexp"

// The package-name grammars of the two build images' package managers, each
// with the version pin its installer takes (apt: name=version; apk:
// name=version or name~version). A name never starts with '-', so none is read
// as an option, and none holds a glob or a shell character.
var (
	// Debian Policy 5.6.1 (names) and 5.6.12 (versions: [epoch:]upstream[-revision]).
	debianPackage = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+(=[0-9][A-Za-z0-9.+~:-]*)?$`)
	// apk's names: letters, digits and ._+- (as in g++, py3-pip, build-base).
	alpinePackage = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*([=~][0-9][A-Za-z0-9._+-]*)?$`)
)

// DebianPackage reports whether s is a package name apt-get install takes, with
// an optional =version.
func DebianPackage(s string) bool { return len(s) <= 256 && debianPackage.MatchString(s) }

// AlpinePackage reports whether s is a package name apk add takes, with an
// optional =version or ~version.
func AlpinePackage(s string) bool { return len(s) <= 256 && alpinePackage.MatchString(s) }
