package solver

import (
	"fmt"

	"github.com/Masterminds/semver/v3"

	"github.com/monokit/monokit/solver/plan"
)

// firstTrixie is the first release of each Node.js line that the official node
// image published with Debian 13 (trixie) variants. Those variants were first
// built on 2025-08-11, for the releases current then; earlier releases have only
// the Debian 12 (bookworm) and older variants, and lines that had reached their
// end of life (18, 19, 21, 23) never got one. Source: the published tag records
// of docker-library/repo-info (repos/node/remote/<tag>.md): 20.19.4-, 22.18.0-
// and 24.5.0-trixie-slim are the earliest of their lines there, while
// 20.19.3-, 22.17.0- and 24.4.0-bookworm-slim exist without a trixie twin.
// Lines from 25 on started after that date.
var firstTrixie = map[int]*semver.Version{
	20: semver.MustParse("20.19.4"),
	22: semver.MustParse("22.18.0"),
	24: semver.MustParse("24.5.0"),
}

// glibcBuildImage is the official node image monokit builds on for a glibc
// runtime: the Debian 13 slim variant, as the distroless runtime is Debian 13,
// unless the exact release asked for predates Debian 13 variants; then the
// Debian 12 variant, whose glibc (2.36) is older than the runtime's (2.41), so
// what it compiles loads there.
func glibcBuildImage(node plan.Version) string {
	if debianSuite(node) == "bookworm" {
		return fmt.Sprintf("node:%s-bookworm-slim", node.Version)
	}
	return fmt.Sprintf("node:%s-trixie-slim", node.Version)
}

// debianSuite is the newest Debian release the official node image publishes
// for node: for a line with Debian 13 variants, trixie for the major alone (its
// tag follows the line's latest release) and for releases from firstTrixie on;
// bookworm otherwise.
func debianSuite(node plan.Version) string {
	if node.Major >= 25 {
		return "trixie"
	}
	first, ok := firstTrixie[node.Major]
	if !ok {
		return "bookworm" // 18, 19, 21, 23: ended before Debian 13
	}
	v, err := semver.StrictNewVersion(node.Version)
	if err != nil || !v.LessThan(first) {
		return "trixie" // the major alone follows the line's latest release
	}
	return "bookworm"
}
