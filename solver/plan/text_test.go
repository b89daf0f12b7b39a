package plan

import (
	"strings"
	"testing"
)

// A stage's aliases show in its text, after its inputs: the symlinked
// package's real directory, copied to the package's path.
func TestWriteTextAliases(t *testing.T) {
	p := &Plan{Stages: []Stage{{ID: "build:@sl/lib", Inputs: []string{"tsconfig*.json"}, Aliases: []Alias{{Src: "vendor/lib", Dest: "packages/lib"}}}}}
	var b strings.Builder
	p.WriteText(&b)
	want := "  inputs:  tsconfig*.json\n  alias:   vendor/lib -> packages/lib\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("the text holds no %q:\n%s", want, b.String())
	}
}
