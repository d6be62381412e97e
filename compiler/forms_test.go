package compiler

import (
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/isa"
)

// Every plan, example and benchmark program compiles to the same module,
// positions included, from its source and from its forms as JSON.
func TestFormsJSONCompilesLikeSource(t *testing.T) {
	eachProgram(t, func(file string, src []byte, fromSource *Output) {
		forms, errs := syntax.Read(file, src)
		if len(errs) > 0 {
			t.Fatal(errs[0])
		}
		doc, err := syntax.EncodeJSON(file, forms)
		if err != nil {
			t.Fatal(err)
		}
		if !syntax.IsFormsJSON(doc) || syntax.IsFormsJSON(src) {
			t.Fatalf("%s: the forms document is not told from source", file)
		}
		fromJSON, err := CompileForms(doc)
		if err != nil {
			t.Fatalf("%s as JSON: %v", file, err)
		}
		a, _ := isa.Digest(fromSource.Module)
		b, _ := isa.Digest(fromJSON.Module)
		if a != b {
			t.Errorf("%s: the module from JSON differs from the module from source", file)
		}
	})
}

func TestBadFormsDocuments(t *testing.T) {
	for doc, want := range map[string]string{
		`{"format": "rtfs-forms/1", "file": "x", "forms": [{"kind": "int", "value": "\"a\""}]}`:                                                              "is not a int literal",
		`{"format": "rtfs-forms/1", "file": "x", "forms": [{"kind": "lizt"}]}`:                                                                               `unknown kind "lizt"`,
		`{"format": "rtfs-forms/1", "file": "x", "forms": [{"kind": "symbol"}]}`:                                                                             "a symbol without text",
		`{"format": "rtfs-forms/1", "file": "x", "forms": [null]}`:                                                                                           "a form is null",
		`{"format": "rtfs-forms/1", "file": "x", "forms": [{"kind": "quasi", "elems": [{"kind": "nil", "value": "nil"}, {"kind": "nil", "value": "nil"}]}]}`: "holds one form",
		`{"format": "rtfs-forms/1", "file": "x", "forms": [{"kind": "list", "elems": [{"kind": "symbol", "text": "let"}]}]}`:                                 "let",
		`{"format": "rtfs-forms/2"}`: "not a forms document",
	} {
		_, err := CompileForms([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
}
