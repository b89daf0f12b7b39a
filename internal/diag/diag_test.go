package diag

import (
	"strings"
	"testing"
)

// TestSuggestUnicodeForms: a name that differs only in its Unicode form is
// not "did you mean" itself: the message shows both byte sequences.
func TestSuggestUnicodeForms(t *testing.T) {
	nfc, nfd := "packages/caf\u00e9", "packages/cafe\u0301"
	got := Suggest(nfc, []string{nfd, "packages/other"})
	if !strings.Contains(got, `"packages/cafe\u0301" looks the same but its bytes differ from "packages/caf\u00e9"`) {
		t.Errorf("Suggest = %s", got)
	}
}

// TestYAMLLineBreaks: a lone \r is a line break, as yaml.v3 and js-yaml read
// it, and comes back as \n; a line break yaml.v3 alone counts is refused at
// its position.
func TestYAMLLineBreaks(t *testing.T) {
	for data, want := range map[string]string{
		"a: 1\r\nb: 2\r\n":     "a: 1\r\nb: 2\r\n",
		"a: 1\n":               "a: 1\n",
		"a: 1\rb: 2\n":         "a: 1\nb: 2\n",
		"a: 1\r\nb: é\r":       "a: 1\r\nb: é\n",
		"a: 1\nb: \u2028c\r\n": "error f:2:4: U+2028 is a line break to yaml.v3",
		"é\r\u0085\u2029":      "error f:2:1: U+0085",
	} {
		got, err := YAMLLineBreaks("f", []byte(data))
		if e, ok := strings.CutPrefix(want, "error "); ok {
			if err == nil || !strings.HasPrefix(err.Error(), e) {
				t.Errorf("%q: got %v, want %q", data, err, e)
			}
			continue
		}
		if err != nil || string(got) != want {
			t.Errorf("%q: got %q, %v, want %q", data, got, err, want)
		}
	}
}
