package pnpm

import "testing"

func TestNPMRanges(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"7", "^7.0.0", true},
		{"6", "^7.0.0", false},
		{"^1.2.3", "~1.5.0", true},
		{"^0.2.3", "0.3.x", false},
		{"^0.0.3", "0.0.4", false},
		{">=2 <3", "2.9.9", true},
		{">2", "2.x", false},
		{"<=1.2", "1.2.9", true},
		{"<1.2", "1.2.0", false},
		{"1.2.3 - 2", "2.5.0", true},
		{"1.2.3 - 2", "3.0.0", false},
		{"^1 || ^3", "3.1.0", true},
		{"^1 || ^3", "2.1.0", false},
		{"*", "0.0.1", true},
		{">= 1.0.0", "1.0.0", true},
	} {
		if got := intersects(tc.a, tc.b); got != tc.want {
			t.Errorf("intersects(%q, %q) = %t, want %t", tc.a, tc.b, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v, r string
		want bool
	}{
		{"7.0.0", "^7.0.0", true},
		{"6.0.0", "^7.0.0", false},
		{"0.2.9", "^0.2.3", true},
		{"0.3.0", "^0.2.3", false},
		{"1.4.0", "~1.3.0", false},
		{"2.0.0", ">1.9 <=2", true},
	} {
		if got := satisfies(tc.v, tc.r); got != tc.want {
			t.Errorf("satisfies(%q, %q) = %t, want %t", tc.v, tc.r, got, tc.want)
		}
	}
	for _, r := range []string{"latest", "workspace:*", "catalog:", "link:../a", "1.2.3.4", "^x.y"} {
		if validRange(r) {
			t.Errorf("validRange(%q) = true", r)
		}
	}
	for _, s := range []string{"", "*", "1.x", ">=1 <2", "^1.2.3-beta.1", "~> 1.2"} {
		if !validRange(s) {
			t.Errorf("validRange(%q) = false", s)
		}
	}
}
