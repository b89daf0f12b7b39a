package pnpm

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// defaultStoreDirMaxLength is pnpm's virtual-store-dir-max-length off Windows.
const defaultStoreDirMaxLength = 120

// StoreDirMaxLength is the longest name pnpm gives a virtual store entry
// without a hash: virtualStoreDirMaxLength in pnpm-workspace.yaml, else
// virtual-store-dir-max-length in .npmrc, else 120.
func (ws *Workspace) StoreDirMaxLength() int {
	if n := ws.Config.VirtualStoreDirMaxLength; n > 0 {
		return n
	}
	if v, _ := ws.npmrcValue("virtual-store-dir-max-length"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return defaultStoreDirMaxLength
}

// StoreDirName is the directory pnpm (major) gives the package at depPath
// (a lockfile snapshot key: name@version(peers)) in node_modules/.pnpm, as
// pnpm's dependency-path depPathToFilename names it: / and the other
// characters a file name cannot hold as +, peers as _, and a name longer than
// maxLength, or with capitals, shortened to a prefix and a hash (pnpm 8 and
// 9: md5 in base32; 10 and later: sha256's first 32 hex digits).
func StoreDirName(depPath string, major, maxLength int) string {
	unescaped := strings.TrimPrefix(depPath, "/")
	if strings.HasPrefix(depPath, "file:") {
		unescaped = strings.Replace(depPath, ":", "+", 1)
	}
	name := escapeStoreName(unescaped, major)
	if strings.Contains(name, "(") {
		name = strings.TrimSuffix(name, ")")
		name = strings.NewReplacer(")(", "_", "(", "_", ")", "_").Replace(name)
	}
	hashInput := name
	escapedTrailing := false
	if major >= 11 {
		// pnpm 11 escapes trailing dots and spaces, which Windows drops,
		// and hashes such a name.
		end := len(name)
		for end > 0 && (name[end-1] == '.' || name[end-1] == ' ') {
			end--
		}
		if end < len(name) {
			escapedTrailing = true
			name = name[:end] + strings.Repeat("+", len(name)-end)
		}
	}
	if !escapedTrailing && len(name) <= maxLength && (name == strings.ToLower(name) || strings.HasPrefix(name, "file+")) {
		return name
	}
	if major >= 10 {
		sum := sha256.Sum256([]byte(hashInput))
		return prefix(name, maxLength-33) + "_" + hex.EncodeToString(sum[:])[:32]
	}
	sum := md5.Sum([]byte(hashInput))
	return prefix(name, maxLength-27) + "_" + strings.ToLower(strings.TrimRight(base32.StdEncoding.EncodeToString(sum[:]), "="))
}

// escapeStoreName writes as + what pnpm (major) does not keep in a virtual
// store entry's name: a path separator and what a file name cannot hold.
func escapeStoreName(s string, major int) string {
	forbidden := `\/:*?"<>|`
	if major >= 10 {
		forbidden += "#"
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(forbidden, r) {
			return '+'
		}
		return r
	}, s)
}

// WorkspaceEntry is how pnpm (major) writes a workspace package's name and
// directory (relative to the workspace root) into the names of the virtual
// store entries of its copies in a deployed tree, which it names after the
// file: protocol: "<name>@file+<path>" (pnpm 9 and later; pnpm 8 writes
// "file+<path>" alone), the path relative to the workspace root or, when
// pnpm injects, to the deploy directory (so only ending with this one), and
// peers after it.
func WorkspaceEntry(name, dir string, major int) (storeName, storePath string) {
	return escapeStoreName(name, major), escapeStoreName(dir, major)
}

// prefix is s's first n bytes, as JavaScript's substring counts UTF-16
// units; the names it shortens are ASCII in practice.
func prefix(s string, n int) string {
	if n < 0 {
		n = 0
	}
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// StoreEntries are the virtual store entries (node_modules/.pnpm/<entry>)
// pnpm (major) gives each of keys ("name@version"): one per snapshot of it,
// its peers making each distinct.
func (ws *Workspace) StoreEntries(keys []string, major int) map[string][]string {
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	max := ws.StoreDirMaxLength()
	out := map[string][]string{}
	for skey := range ws.Lockfile.snapshots {
		n, v := SplitKey(skey)
		if key := n + "@" + StripPeers(v); want[key] {
			out[key] = append(out[key], StoreDirName(skey, major, max))
		}
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}
