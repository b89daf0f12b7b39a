package pnpm

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/monokit/monokit/internal/diag"
)

// manifestFields reads package.json's top-level fields as pnpm and npm's
// normalizer read them: keys exactly as written (encoding/json would match
// "Name" or "SCRIPTS" to a field, and pnpm does not), the last of duplicate
// keys winning (as JSON.parse), and each field monokit uses in the forms they
// accept. A field in a form they ignore or drop (a license object, a
// description array, "files": "dist", "engines": ["node >= 0.8"]) reads as
// absent; a form that would make pnpm install something else is an error at
// its key.
type manifestFields struct {
	file string
	raw  map[string]json.RawMessage
	keys map[string]diag.Pos
}

func (f manifestFields) pos(key string) diag.Pos {
	if p, ok := f.keys[key]; ok {
		return p
	}
	return diag.Pos{File: f.file, Line: 1, Col: 1}
}

// value decodes a field into any, or nil when absent.
func (f manifestFields) value(key string) any {
	raw, ok := f.raw[key]
	if !ok {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return v
}

// str is a string field; any other form reads as absent.
func (f manifestFields) str(key string) string {
	s, _ := f.value(key).(string)
	return s
}

// scalar is a field pnpm uses as a string (name, version) and accepts in
// other forms: a number or a boolean reads as JavaScript's String() of it
// (pnpm installs a package named 1), an object or an array as absent.
func (f manifestFields) scalar(key string) string {
	switch v := f.value(key).(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// truthy is a field pnpm tests as JavaScript does (private: "true" and 1
// are private; false, 0, "" and null are not).
func (f manifestFields) truthy(key string) bool {
	switch v := f.value(key).(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case float64:
		return v != 0
	}
	return true // objects and arrays
}

// strList is an array of strings; npm's normalizer drops a files field
// that is not an array, and the entries that are not strings.
func (f manifestFields) strList(key string) []string {
	list, _ := f.value(key).([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// strMap is an object of strings, such as scripts or engines: another form
// (an array, a string) reads as absent, and so does an entry that is not a
// string, as npm's normalizer drops it.
func (f manifestFields) strMap(key string) map[string]string {
	obj, _ := f.value(key).(map[string]any)
	return stringEntries(obj)
}

func stringEntries(obj map[string]any) map[string]string {
	if obj == nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range obj {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// depMap is a dependency field: an object of specs. pnpm reads it with
// Object.entries, so an empty array is no dependencies ("peerDependencies":
// []); a string, a non-empty array or a spec that is not a string would make
// pnpm install something else, and is an error at its key.
func (f manifestFields) depMap(key string) (map[string]string, error) {
	switch v := f.value(key).(type) {
	case nil:
		return nil, nil
	case []any:
		if len(v) == 0 {
			return nil, nil
		}
		return nil, diag.Errorf(f.pos(key), "%s: want an object of package names and versions, got an array", key)
	case map[string]any:
		out := map[string]string{}
		for _, name := range slices.Sorted(maps.Keys(v)) {
			s, ok := v[name].(string)
			if !ok {
				return nil, diag.Errorf(f.pos(key+"/"+name), "%s: %q: want a version string, got %s", key, name, kindOf(v[name]))
			}
			out[name] = s
		}
		return out, nil
	default:
		return nil, diag.Errorf(f.pos(key), "%s: want an object, got %s", key, kindOf(v))
	}
}

// license is the license field: a string, or the old {"type": ...} object.
func (f manifestFields) license() string {
	switch v := f.value("license").(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["type"].(string)
		return s
	}
	return ""
}

// kindOf names a decoded JSON value, for errors.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a JSON string"
	case bool:
		return "a JSON boolean"
	case float64:
		return "a JSON number"
	case []any:
		return "a JSON array"
	}
	return "a JSON object"
}
