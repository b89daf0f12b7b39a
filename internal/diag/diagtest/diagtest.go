// Package diagtest checks, for tests and fuzz targets, that the positions an
// error carries lie inside the files it was read from: a position past the
// end of a file is a snippet the frontend cannot attach and a line an
// editor cannot jump to. It is imported by tests only, and imports nothing of
// monokit but diag (the solver's, the manifest's and pnpm's own tests use it,
// so it cannot live in internal/testkit, which imports them).
package diagtest

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// Check returns an error naming the first position of err (diag.Positions)
// that is not inside one of files (file name → contents): its file must be
// one of them; its line, when known, between 1 and the file's number of
// lines (the text after the last "\n" is a line, empty at the end of a file
// that ends with one; outside *.json files a lone \r also ends a line, as
// YAML readers count them); its column, when known, between 1 and that line's
// length in bytes + 1 (just past its end). A column without a line is not a
// position. yaml.v3 counts columns in characters and encoding/json in bytes;
// bytes bound both.
func Check(err error, files map[string][]byte) error {
	for _, p := range diag.Positions(err) {
		if e := Inside(p, files); e != nil {
			return fmt.Errorf("%w, in the error %q", e, clip(err.Error()))
		}
	}
	return nil
}

// Inside returns an error when p is not inside one of files, as Check.
func Inside(p diag.Pos, files map[string][]byte) error {
	data, ok := files[p.File]
	if !ok {
		return fmt.Errorf("position %s names a file that was not read (read: %q)", p, slices.Sorted(maps.Keys(files)))
	}
	switch {
	case p.Line == 0 && p.Col != 0:
		return fmt.Errorf("position %+v has a column but no line", p)
	case p.Line == 0:
		return nil
	}
	if path.Ext(p.File) != ".json" {
		data = diag.LoneCRToLF(data) // a lone \r breaks a YAML line (yaml.v3, js-yaml); JSON counts \n
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	if p.Line < 1 || p.Line > lines {
		return fmt.Errorf("position %s is outside the file's lines 1 to %d", p, lines)
	}
	if p.Col == 0 {
		return nil
	}
	line := data
	for range p.Line - 1 {
		line = line[bytes.IndexByte(line, '\n')+1:]
	}
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if p.Col < 1 || p.Col > len(line)+1 {
		return fmt.Errorf("position %s is outside line %d's columns 1 to %d (%q)", p, p.Line, len(line)+1, clip(string(line)))
	}
	return nil
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return strings.ToValidUTF8(s, "\ufffd")
}

// CheckValue returns an error naming the first diag.Pos held in v, at any
// depth of its structs, pointers, slices and maps (unexported fields
// included), that is not inside one of files, as Check; a zero Pos is no
// position and passes.
func CheckValue(v any, files map[string][]byte) error {
	seen := map[uintptr]bool{}
	posType := reflect.TypeFor[diag.Pos]()
	var walk func(v reflect.Value, path string) error
	walk = func(v reflect.Value, path string) error {
		if v.Type() == posType {
			p := diag.Pos{File: v.Field(0).String(), Line: int(v.Field(1).Int()), Col: int(v.Field(2).Int())}
			if p == (diag.Pos{}) {
				return nil
			}
			if err := Inside(p, files); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			return nil
		}
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return nil
			}
			seen[v.Pointer()] = true
			return walk(v.Elem(), path)
		case reflect.Interface:
			if v.IsNil() {
				return nil
			}
			return walk(v.Elem(), path)
		case reflect.Struct:
			for i := range v.NumField() {
				if err := walk(v.Field(i), path+"."+v.Type().Field(i).Name); err != nil {
					return err
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				if err := walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				if err := walk(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key())); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if v == nil {
		return nil
	}
	return walk(reflect.ValueOf(v), reflect.TypeOf(v).String())
}
