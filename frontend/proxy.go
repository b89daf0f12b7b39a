package frontend

import (
	"maps"
	"slices"
	"strings"

	"github.com/moby/buildkit/client/llb"
)

// proxyEnv reads the proxy build arguments as the Dockerfile frontend does:
// HTTP_PROXY, HTTPS_PROXY, FTP_PROXY, NO_PROXY and ALL_PROXY in either case,
// with no ARG needed. Every step gets them (pnpm, npm and apt honour them),
// and BuildKit keeps them out of the cache key; the image's history and
// environment never see them. nil when none is set.
func proxyEnv(args map[string]string) *llb.ProxyEnv {
	var pe llb.ProxyEnv
	set := false
	// In key order, the last one set wins (lower case over upper case), as
	// in the Dockerfile frontend.
	for _, k := range slices.Sorted(maps.Keys(args)) {
		var field *string
		switch strings.ToLower(k) {
		case "http_proxy":
			field = &pe.HTTPProxy
		case "https_proxy":
			field = &pe.HTTPSProxy
		case "ftp_proxy":
			field = &pe.FTPProxy
		case "no_proxy":
			field = &pe.NoProxy
		case "all_proxy":
			field = &pe.AllProxy
		default:
			continue
		}
		*field = args[k]
		set = true
	}
	if !set {
		return nil
	}
	return &pe
}
