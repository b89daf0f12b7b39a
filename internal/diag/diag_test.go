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
