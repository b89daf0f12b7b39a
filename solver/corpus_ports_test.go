package solver

import (
	"path/filepath"
	"testing"

	"github.com/monokit/monokit/internal/testkit"
)

// TestCorpusPortsUnique: corpus images run side by side on the host's
// network, so no two targets of the corpus and the example may serve on one
// port (hono-api and pnpm9-native both had 4109).
func TestCorpusPortsUnique(t *testing.T) {
	seen := map[int]string{}
	for _, dir := range append(testkit.Corpus(), testkit.Example()) {
		m, _, err := testkit.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for name, tg := range m.Targets {
			ports := map[int]bool{}
			for _, p := range tg.Ports {
				ports[p.Number] = true
			}
			if hc := tg.Healthcheck; hc != nil && hc.Port != 0 {
				ports[hc.Port] = true
			}
			for p := range ports {
				id := filepath.Base(dir) + "/" + name
				if other, ok := seen[p]; ok {
					t.Errorf("port %d: %s and %s", p, other, id)
				}
				seen[p] = id
			}
		}
	}
}
