package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/monokit/monokit/internal/diag"
	"go.yaml.in/yaml/v3"
)

// Keys lists the keys each object of the manifest accepts. The decoder rejects any
// other key, and schema_test.go checks schema.json lists exactly these.
var Keys = map[string][]string{
	"manifest":    {"version", "node", "pnpm", "platforms", "runtime", "images", "system-packages", "inputs", "args", "build-env", "packages", "targets"},
	"images":      {"build"},
	"package":     {"build", "inputs", "outputs"},
	"target":      {"package", "preset", "build", "generate", "start", "port", "ports", "healthcheck", "env", "args", "build-env", "runtime", "libc", "user", "labels", "secrets", "prune", "include"},
	"healthcheck": {"path", "port", "interval", "timeout", "start-period", "retries"},
	"secret":      {"id", "env", "target", "required", "ca"},
}

// Parse decodes and validates a manifest. file names it in positions. Every problem
// found is returned, joined, each as an *diag.Error with its position.
func Parse(file string, data []byte) (*Manifest, error) {
	// BuildKit hands a frontend up to 16 MiB of it; no manifest is near that,
	// and YAML's trees are many times the text.
	if len(data) > MaxSize {
		return nil, diag.Errorf(diag.Pos{File: file}, "is %d bytes, and a manifest may be at most %d; check that -f names the manifest", len(data), MaxSize)
	}
	d := &decoder{file: file}
	m := d.decode(data)
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// MaxSize is the largest manifest Parse reads.
const MaxSize = 1 << 20

type decoder struct {
	file string
	errs []error
}

func (d *decoder) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: d.file, Line: n.Line, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, diag.Errorf(d.pos(n), format, args...))
}

func (d *decoder) decode(data []byte) *Manifest {
	m := &Manifest{Pos: diag.Pos{File: d.file, Line: 1, Col: 1}}
	data, err := diag.YAMLLineBreaks(d.file, data)
	if err != nil {
		d.errs = append(d.errs, err) // yaml.v3 and pnpm's js-yaml would disagree
		return m
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		d.errs = append(d.errs, diag.YAMLError(d.file, data, err))
		return m
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(&extra, "a manifest is one YAML document; remove the second one (---)")
	}
	// A document of nothing but a marker ("---") holds an empty null, which
	// yaml.v3 places on the line after the marker, past the end of a file
	// that ends there: it is an empty manifest, at the start.
	if len(doc.Content) == 0 || doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null" && doc.Content[0].Value == "" {
		d.errs = append(d.errs, diag.Errorf(m.Pos, "the manifest is empty; it needs at least version: 1 and targets"))
		return m
	}
	root := doc.Content[0]
	m.Pos = d.pos(root)
	d.fields(root, "manifest", func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			m.Version = d.int(v, key)
		case "node":
			m.Node = d.str(v, key)
		case "pnpm":
			m.PNPM = d.str(v, key)
		case "platforms":
			m.Platforms = d.strs(v, key)
		case "runtime":
			m.Runtime = d.str(v, key)
		case "images":
			m.Images.Pos = d.pos(v)
			d.fields(v, "images", func(key string, _, v *yaml.Node) {
				m.Images.Build = d.str(v, "images."+key)
			})
		case "system-packages":
			m.SystemPackages = d.strs(v, key)
		case "inputs":
			m.Inputs = d.strs(v, key)
		case "args":
			m.Args = d.args(v, key)
		case "build-env":
			m.BuildEnv = d.kvs(v, key)
		case "packages":
			m.Packages = map[string]*Package{}
			d.entries(v, key, func(name string, k, v *yaml.Node) {
				m.Packages[name] = d.pkg(name, k, v)
			})
		case "targets":
			m.Targets = map[string]*Target{}
			d.entries(v, key, func(name string, k, v *yaml.Node) {
				m.Targets[name] = d.target(name, k, v)
			})
		}
	})
	return m
}

func (d *decoder) pkg(name string, k, v *yaml.Node) *Package {
	p := &Package{Key: name, Pos: d.pos(k)}
	where := fmt.Sprintf("packages.%s", name)
	d.fields(v, "package", func(key string, _, v *yaml.Node) {
		switch key {
		case "build":
			p.Build = d.str(v, where+".build")
		case "inputs":
			p.Inputs = d.strs(v, where+".inputs")
		case "outputs":
			p.Outputs = d.strs(v, where+".outputs")
		}
	})
	return p
}

func (d *decoder) target(name string, k, v *yaml.Node) *Target {
	t := &Target{Name: name, Pos: d.pos(k), Description: comment(k)}
	where := "targets." + name
	d.fields(v, "target", func(key string, k, v *yaml.Node) {
		w := where + "." + key
		switch key {
		case "package":
			t.Package = d.str(v, w)
		case "preset":
			t.Preset = d.str(v, w)
		case "build":
			t.Build = d.str(v, w)
		case "generate":
			t.Generate = d.strs(v, w)
		case "start":
			t.Start = d.strs(v, w)
		case "port":
			if p, ok := d.port(v, w); ok {
				t.Ports = append(t.Ports, p)
			}
		case "ports":
			for _, n := range d.seq(v, w) {
				if p, ok := d.port(n, w); ok {
					t.Ports = append(t.Ports, p)
				}
			}
		case "healthcheck":
			t.Healthcheck = d.healthcheck(v, w)
		case "env":
			t.Env = d.kvs(v, w)
		case "args":
			t.Args = d.args(v, w)
		case "build-env":
			t.BuildEnv = d.kvs(v, w)
		case "runtime":
			t.Runtime = d.str(v, w)
		case "libc":
			t.Libc = d.str(v, w)
		case "user":
			t.User = d.str(v, w)
		case "labels":
			t.Labels = d.kvs(v, w)
		case "prune":
			t.Prune = d.str(v, w)
		case "include":
			t.Include = d.strs(v, w)
		case "secrets":
			for _, n := range d.seq(v, w) {
				t.Secrets = append(t.Secrets, d.secret(n, w))
			}
		}
	})
	return t
}

// healthcheck accepts a path ("/health") or the full form.
func (d *decoder) healthcheck(v *yaml.Node, where string) *Healthcheck {
	h := &Healthcheck{Pos: d.pos(v)}
	if v.Kind == yaml.ScalarNode {
		h.Path = d.str(v, where)
		return h
	}
	d.fields(v, "healthcheck", func(key string, _, v *yaml.Node) {
		w := where + "." + key
		switch key {
		case "path":
			h.Path = d.str(v, w)
		case "port":
			if p, ok := d.port(v, w); ok {
				h.Port = p.Number
			}
		case "interval":
			h.Interval = d.duration(v, w)
		case "timeout":
			h.Timeout = d.duration(v, w)
		case "start-period":
			h.StartPeriod = d.duration(v, w)
		case "retries":
			h.Retries = d.int(v, w)
		}
	})
	return h
}

// secret accepts an id ("npmrc") or the full form.
func (d *decoder) secret(v *yaml.Node, where string) Secret {
	s := Secret{Pos: d.pos(v)}
	if v.Kind == yaml.ScalarNode {
		s.ID = d.str(v, where).Value
		return s
	}
	d.fields(v, "secret", func(key string, _, v *yaml.Node) {
		w := where + "." + key
		switch key {
		case "id":
			s.ID = d.str(v, w).Value
		case "env":
			s.Env = d.str(v, w).Value
		case "target":
			s.Target = d.str(v, w).Value
		case "required":
			s.Required = d.bool(v, w)
		case "ca":
			s.CA = d.bool(v, w)
		}
	})
	return s
}

// fields walks a mapping whose keys are fixed by Keys[kind], rejecting unknown and
// duplicate keys.
func (d *decoder) fields(n *yaml.Node, kind string, fn func(key string, k, v *yaml.Node)) {
	known := Keys[kind]
	d.entries(n, kind, func(key string, k, v *yaml.Node) {
		if kind == "manifest" && strings.HasPrefix(key, "x-") {
			return // an extension field, as in Compose files: a place for anchors
		}
		for _, c := range known {
			if c == key {
				fn(key, k, v)
				return
			}
		}
		d.errorf(k, "unknown key %q in %s%s", key, kind, diag.Suggest(key, known))
	})
}

// entries walks any mapping in file order.
func (d *decoder) entries(n *yaml.Node, where string, fn func(key string, k, v *yaml.Node)) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		if isNull(n) {
			return
		}
		d.errorf(n, "%s: want a mapping (key: value), got %s", where, kindName(n))
		return
	}
	seen := map[string]int{}
	explicit := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Tag != "!!merge" {
			explicit[k.Value] = true
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: keys must be plain strings", where)
			continue
		}
		if k.Tag == "!!merge" {
			// <<: *anchor (or a list of them): the anchored mappings' keys,
			// where this mapping does not set them; the first anchor wins.
			for _, m := range d.merged(v, where) {
				for j := 0; j+1 < len(m.Content); j += 2 {
					mk := m.Content[j]
					if mk.Kind != yaml.ScalarNode || explicit[mk.Value] || seen[mk.Value] != 0 {
						continue
					}
					seen[mk.Value] = mk.Line
					fn(mk.Value, mk, resolve(m.Content[j+1]))
				}
			}
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.errorf(k, "%s: key %q repeats the one on line %d", where, k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		fn(k.Value, k, resolve(v))
	}
}

// merged returns the mappings a merge key (<<) names: one alias or anchored
// mapping, or a list of them.
func (d *decoder) merged(v *yaml.Node, where string) []*yaml.Node {
	v = resolve(v)
	var out []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		out = append(out, v)
	case yaml.SequenceNode:
		for _, c := range v.Content {
			if c = resolve(c); c.Kind == yaml.MappingNode {
				out = append(out, c)
			} else {
				d.errorf(c, "%s: << merges mappings, got %s", where, kindName(c))
			}
		}
	default:
		d.errorf(v, "%s: << merges a mapping or a list of them, got %s", where, kindName(v))
	}
	return out
}

func (d *decoder) scalar(n *yaml.Node, where, want string) bool {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(n, "%s: want %s, got %s", where, want, kindName(n))
		return false
	}
	return true
}

func (d *decoder) str(n *yaml.Node, where string) String {
	if !d.scalar(n, where, "a string") {
		return String{Pos: d.pos(n)}
	}
	return String{Value: n.Value, Pos: d.pos(n)}
}

func (d *decoder) int(n *yaml.Node, where string) int {
	if !d.scalar(n, where, "a whole number") {
		return 0
	}
	i, err := strconv.Atoi(n.Value)
	if err != nil || n.Tag != "!!int" {
		d.errorf(n, "%s: want a whole number, got %q", where, n.Value)
	}
	return i
}

func (d *decoder) bool(n *yaml.Node, where string) bool {
	if !d.scalar(n, where, "true or false") {
		return false
	}
	if n.Tag != "!!bool" {
		d.errorf(n, "%s: want true or false, got %q", where, n.Value)
		return false
	}
	return n.Value == "true"
}

func (d *decoder) duration(n *yaml.Node, where string) time.Duration {
	if !d.scalar(n, where, "a duration such as 30s") {
		return 0
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil || v <= 0 {
		d.errorf(n, "%s: want a positive duration such as 30s or 1m30s, got %q", where, n.Value)
	}
	return v
}

func (d *decoder) port(n *yaml.Node, where string) (Port, bool) {
	if !d.scalar(n, where, "a port such as 3000 or 3000/tcp") {
		return Port{}, false
	}
	num, proto := n.Value, "tcp"
	if i := bytes.IndexByte([]byte(num), '/'); i >= 0 {
		num, proto = num[:i], num[i+1:]
	}
	p, err := strconv.Atoi(num)
	if err != nil || p < 1 || p > 65535 || (proto != "tcp" && proto != "udp") {
		d.errorf(n, "%s: want a port from 1 to 65535, optionally /tcp or /udp, got %q", where, n.Value)
		return Port{}, false
	}
	return Port{Number: p, Protocol: proto, Pos: d.pos(n)}, true
}

func (d *decoder) seq(n *yaml.Node, where string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		if isNull(n) {
			return nil
		}
		d.errorf(n, "%s: want a list, got %s", where, kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = resolve(c)
	}
	return out
}

// strs accepts a list of strings, or one string as a list of one.
func (d *decoder) strs(n *yaml.Node, where string) []String {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		return []String{d.str(n, where)}
	}
	var out []String
	for _, c := range d.seq(n, where) {
		out = append(out, d.str(c, where))
	}
	return out
}

func (d *decoder) kvs(n *yaml.Node, where string) []KV {
	var out []KV
	d.entries(n, where, func(key string, k, v *yaml.Node) {
		s := d.str(v, where+"."+key)
		out = append(out, KV{Key: key, Value: s.Value, Pos: d.pos(k)})
	})
	return out
}

// args reads build arguments: a mapping of names to defaults (null: none), or
// a list of names without defaults.
func (d *decoder) args(n *yaml.Node, where string) []Arg {
	var out []Arg
	if n = resolve(n); n.Kind == yaml.SequenceNode {
		for _, c := range d.seq(n, where) {
			s := d.str(c, where)
			out = append(out, Arg{Name: s.Value, Pos: s.Pos, Description: comment(c)})
		}
		return out
	}
	d.entries(n, where, func(key string, k, v *yaml.Node) {
		a := Arg{Name: key, Pos: d.pos(k), Description: comment(k)}
		if a.Description == "" {
			a.Description = comment(v)
		}
		if !isNull(resolve(v)) {
			a.Default, a.HasDefault = d.str(v, where+"."+key).Value, true
		}
		out = append(out, a)
	})
	return out
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func kindName(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

// comment is a node's head comment, or else its line comment, without the
// #s: one line of text.
func comment(n *yaml.Node) string {
	c := n.HeadComment
	if c == "" {
		c = n.LineComment
	}
	var words []string
	for l := range strings.Lines(c) {
		words = append(words, strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "#")))
	}
	return strings.TrimSpace(strings.Join(words, " "))
}
