package testkit

import (
	"encoding/json"
	"os"
)

// RunBundle edits an OCI runtime bundle's config.json (as umoci unpack
// writes it) so runc runs the image as the tests and hack/realworld do: as
// its own user, with a read-only root, no terminal, with env added to the
// image's and a tmpfs at each of tmpfs. It joins the network namespace at
// netns (a path, as ip netns makes them), or with netns empty the host's,
// where its port is reachable on loopback.
func RunBundle(configPath string, env, tmpfs []string, netns string) error {
	data, err := os.ReadFile(configPath)
	if err != nil {
		return err
	}
	var cfg map[string]any
	if err := json.Unmarshal(data, &cfg); err != nil {
		return err
	}
	cfg["root"].(map[string]any)["readonly"] = true
	proc := cfg["process"].(map[string]any)
	proc["terminal"] = false
	vars, _ := proc["env"].([]any)
	for _, kv := range env {
		vars = append(vars, kv)
	}
	proc["env"] = vars
	linux := cfg["linux"].(map[string]any)
	var ns []any
	for _, n := range linux["namespaces"].([]any) {
		if n.(map[string]any)["type"] != "network" {
			ns = append(ns, n)
		}
	}
	if netns != "" {
		ns = append(ns, map[string]any{"type": "network", "path": netns})
	}
	linux["namespaces"] = ns
	mounts := cfg["mounts"].([]any)
	for _, d := range tmpfs {
		mounts = append(mounts, map[string]any{"destination": d, "type": "tmpfs", "source": "tmpfs", "options": []string{"nosuid", "nodev", "mode=1777"}})
	}
	cfg["mounts"] = mounts
	data, err = json.Marshal(cfg)
	if err != nil {
		return err
	}
	return os.WriteFile(configPath, data, 0o644)
}
