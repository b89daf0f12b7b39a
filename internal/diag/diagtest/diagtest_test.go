package diagtest

import (
	"errors"
	"testing"

	"github.com/monokit/monokit/internal/diag"
)

func TestCheck(t *testing.T) {
	files := map[string][]byte{"a.yaml": []byte("ab\ncdé\n"), "b.json": nil}
	at := func(file string, line, col int) error {
		return diag.Errorf(diag.Pos{File: file, Line: line, Col: col}, "x")
	}
	for _, err := range []error{
		nil,
		errors.New("no position"),
		at("a.yaml", 0, 0), at("a.yaml", 1, 1), at("a.yaml", 1, 3), at("a.yaml", 2, 0), at("a.yaml", 2, 5), at("a.yaml", 3, 1),
		at("b.json", 1, 1),
		errors.Join(at("a.yaml", 1, 1), at("b.json", 1, 0)),
	} {
		if e := Check(err, files); e != nil {
			t.Errorf("%v: %v", err, e)
		}
	}
	for _, err := range []error{
		at("c.yaml", 1, 1), at("a.yaml", 0, 1), at("a.yaml", 1, 0-1), at("a.yaml", 4, 1), at("a.yaml", 1, 4),
		at("a.yaml", 2, 6), at("a.yaml", 3, 2), at("b.json", 2, 1), at("b.json", 1, 2),
		errors.Join(at("a.yaml", 1, 1), at("a.yaml", -1, 1)),
	} {
		if Check(err, files) == nil {
			t.Errorf("%v: accepted", err)
		}
	}
}

func TestCheckValue(t *testing.T) {
	files := map[string][]byte{"a": []byte("x\n")}
	type inner struct{ at diag.Pos }
	type outer struct {
		P    diag.Pos
		M    map[string]*inner
		L    []inner
		Self *outer
	}
	good := &outer{P: diag.Pos{File: "a", Line: 2, Col: 1}, M: map[string]*inner{"k": {}}, L: []inner{{diag.Pos{File: "a", Line: 1, Col: 2}}}}
	good.Self = good
	if err := CheckValue(good, files); err != nil {
		t.Error(err)
	}
	bad := &outer{M: map[string]*inner{"k": {diag.Pos{File: "a", Line: 1, Col: 3}}}}
	if err := CheckValue(bad, files); err == nil {
		t.Error("a position past its line's end was accepted")
	} else {
		t.Log(err)
	}
}
