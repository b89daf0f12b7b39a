package ctxfs

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// TestCheckInside: a file reached through a symlink that leaves the
// context is refused, however the link is spelled; one that stays in, or
// is missing, passes. fstest.MapFS, like the frontend's context, hands
// out links without following them out.
func TestCheckInside(t *testing.T) {
	l := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink}
	}
	fsys := fstest.MapFS{
		"real/x.patch":  {Data: []byte("diff")},
		"p/in.patch":    l("../real/x.patch"),
		"p/abs.patch":   l("/etc/passwd"),
		"p/up.patch":    l("../../etc/passwd"),
		"p/dir":         l(".."),
		"p/loop.patch":  l("loop.patch"),
		"p/chain.patch": l("dir/p/up.patch"),
	}
	for name, outside := range map[string]bool{"real/x.patch": false, "p/in.patch": false, "p/missing.patch": false,
		"p/abs.patch": true, "p/up.patch": true, "p/chain.patch": true} {
		err := CheckInside(fsys, name)
		if got := err != nil && strings.Contains(err.Error(), name+": is a symlink, or lies under one, that leads outside the build context"); got != outside {
			t.Errorf("%s: %v, want refused %v", name, err, outside)
		}
	}
	if got, err := Resolve(fsys, "p/dir/real/x.patch"); err != nil || got != "real/x.patch" {
		t.Errorf("Resolve = %q, %v; want real/x.patch", got, err)
	}
	// (fstest.MapFS's own Stat overflows its stack on a loop: Resolve
	// alone is asked about one.)
	for _, name := range []string{"p/up.patch", "p/loop.patch"} {
		if _, err := Resolve(fsys, name); !errors.Is(err, ErrOutside) {
			t.Errorf("Resolve(%s) = %v, want ErrOutside", name, err)
		}
	}
}
