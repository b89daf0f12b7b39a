package solver

import (
	"encoding/json"

	"github.com/tailscale/hujson" // turbo.json and tsconfig.json are JSON with comments and trailing commas
)

// readJSONC decodes the metadata file at rel (JSON with comments and
// trailing commas) into v. False when it is absent or unreadable: the
// settings read this way (turbo.json's tasks, tsconfig.json's paths) only
// add steps or inputs.
func (b *builder) readJSONC(rel string, v any) bool {
	if !b.ws.Exists(rel) {
		return false
	}
	data, err := b.ws.ReadFile(rel)
	if err != nil {
		return false
	}
	std, err := hujson.Standardize(data)
	return err == nil && json.Unmarshal(std, v) == nil
}
