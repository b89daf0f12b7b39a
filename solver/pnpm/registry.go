package pnpm

import (
	"net/url"
	"strings"
)

// defaultRegistry is npm's registry, where pnpm fetches from unless .npmrc
// names another.
const defaultRegistry = "https://registry.npmjs.org/"

// PublicTarball is the URL of the tarball of a package the lockfile pins
// (its resolution's tarball, else the registry's URL for it, as npm lays
// out registries), when fetching it takes no credentials: the root .npmrc
// names no credentials, client certificate or environment variable (a
// private registry is fetched by npm, which reads .npmrc and its secrets),
// and the URL is https. ok is false otherwise.
func (ws *Workspace) PublicTarball(p PinnedPackage) (u string, ok bool) {
	if ws.npmrcHasCredentials() {
		return "", false
	}
	u = p.Tarball
	if u == "" {
		registry := defaultRegistry
		key := "registry"
		if scope, _, found := strings.Cut(p.Name, "/"); found && strings.HasPrefix(scope, "@") {
			key = scope + ":registry"
		}
		if r, _ := ws.npmrcValue(key); r != "" {
			registry = r
		} else if r, _ := ws.npmrcValue("registry"); r != "" {
			registry = r
		}
		_, base, _ := strings.Cut(p.Name, "/")
		if base == "" {
			base = p.Name
		}
		u = strings.TrimSuffix(registry, "/") + "/" + p.Name + "/-/" + base + "-" + p.Version + ".tgz"
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "https" || parsed.Host == "" || parsed.User != nil {
		return "", false
	}
	return u, true
}

// npmrcHasCredentials reports whether the root .npmrc holds anything a
// fetch may need besides a registry URL: credentials, a client certificate,
// or a ${VARIABLE} (which only npm expands).
func (ws *Workspace) npmrcHasCredentials() bool {
	for _, line := range ws.npmrc {
		k, v, _ := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if i := strings.LastIndex(k, ":"); i >= 0 {
			k = k[i+1:] // //host/:_authToken, @scope:registry
		}
		switch k {
		case "_auth", "_authToken", "_password", "username", "certfile", "keyfile", "cert", "key":
			return true
		}
		if strings.Contains(v, "${") {
			return true
		}
	}
	return false
}
