package pnpm

import "testing"

// TestFilter: no package name or directory is read as another selector.
func TestFilter(t *testing.T) {
	for _, tc := range []struct{ name, dir, want string }{
		{"@x/web", "apps/web", "@x/web{apps/web}"},
		{"{packages/ui}", "apps/weird", "{apps/weird}"},
		{"./packages/ui", "apps/a", "{apps/a}"},
		{"@scope/*", "apps/star", "@scope/*{apps/star}"},
		{"!x", "apps/x", "{apps/x}"},
		{"...x", "apps/x", "{apps/x}"},
		{"x...", "apps/x", "x...{apps/x}"},
		{"x[HEAD]", "apps/x", "{apps/x}"},
		{"", "apps/nameless", "{apps/nameless}"},
		{"root", ".", "root"},
		{"{root}", ".", "."},
		{"ok", "apps/a}b", "ok"},
	} {
		got, err := (&Package{Name: tc.name, Dir: tc.dir}).Filter()
		if err != nil || got != tc.want {
			t.Errorf("Filter(%q, %q) = %q, %v; want %q", tc.name, tc.dir, got, err, tc.want)
		}
	}
	if _, err := (&Package{Name: "{x}", Dir: "apps/a}b"}).Filter(); err == nil {
		t.Errorf("a package neither selector can name was given one")
	}
}
