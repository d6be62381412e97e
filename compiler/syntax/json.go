package syntax

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/rtfs-go/rtfs/value"
)

// A program as data: the forms of a file as JSON, for tools that generate
// plans rather than write them (rtfsc parse --json writes it, and
// rtfsvm exec runs it as it runs source). The document is
//
//	{"format": "rtfs-forms/1", "file": "plan.rtfs", "forms": [FORM, ...]}
//
// and a FORM is {"kind": K, "line": L, "col": C, ...}: a literal (kind
// int, float, string, bool, nil, keyword) carries "value", its printed
// form as RTFS reads it (`42`, `"text"`, `:k`); a symbol or a context
// reference (symbol, context) "text"; every other kind "elems", its
// forms. Reading it back gives the forms the reader would have given, so
// the program compiles to the same module.

// FormsFormat names the document format.
const FormsFormat = "rtfs-forms/1"

var kindNames = [...]string{
	FInt: "int", FFloat: "float", FString: "string", FBool: "bool", FNil: "nil", FKeyword: "keyword",
	FSymbol: "symbol", FList: "list", FVector: "vector", FMap: "map", FQuasi: "quasi", FUnquote: "unquote",
	FSplice: "splice", FShortFn: "short-fn", FMeta: "meta", FContext: "context",
}

type formsDocument struct {
	Format string      `json:"format"`
	File   string      `json:"file"`
	Forms  []*jsonForm `json:"forms"`
}

type jsonForm struct {
	Kind  string      `json:"kind"`
	Line  int         `json:"line"`
	Col   int         `json:"col"`
	Value string      `json:"value,omitempty"`
	Text  string      `json:"text,omitempty"`
	Elems []*jsonForm `json:"elems,omitempty"`
}

// EncodeJSON writes the forms of file as a forms document.
func EncodeJSON(file string, forms []*Form) ([]byte, error) {
	doc := formsDocument{Format: FormsFormat, File: file, Forms: make([]*jsonForm, len(forms))}
	for i, f := range forms {
		doc.Forms[i] = toJSON(f)
	}
	return json.MarshalIndent(doc, "", " ")
}

func toJSON(f *Form) *jsonForm {
	j := &jsonForm{Kind: kindNames[f.Kind], Line: f.Pos.Line, Col: f.Pos.Col, Text: f.Text}
	switch {
	case f.Kind <= FKeyword:
		j.Value, j.Text = f.Val.String(), ""
	case f.Kind == FSymbol || f.Kind == FContext:
	default:
		j.Elems = make([]*jsonForm, len(f.Elems))
		for i, e := range f.Elems {
			j.Elems[i] = toJSON(e)
		}
	}
	return j
}

// IsFormsJSON reports whether data is a forms document (a JSON object
// whose format is FormsFormat), as opposed to source.
func IsFormsJSON(data []byte) bool {
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		return false
	}
	var head struct {
		Format string `json:"format"`
	}
	return json.Unmarshal(data, &head) == nil && head.Format == FormsFormat
}

// DecodeJSON reads a forms document back into its file name and forms.
// Every literal is read again by the reader, so a document can hold
// nothing source could not.
func DecodeJSON(data []byte) (string, []*Form, error) {
	var doc formsDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return "", nil, fmt.Errorf("not a forms document: %w", err)
	}
	if doc.Format != FormsFormat {
		return "", nil, fmt.Errorf("not a forms document: format %q, want %q", doc.Format, FormsFormat)
	}
	forms := make([]*Form, len(doc.Forms))
	for i, j := range doc.Forms {
		f, err := fromJSON(doc.File, j)
		if err != nil {
			return "", nil, fmt.Errorf("%s: form %d: %w", doc.File, i+1, err)
		}
		forms[i] = f
	}
	return doc.File, forms, nil
}

func fromJSON(file string, j *jsonForm) (*Form, error) {
	if j == nil {
		return nil, errors.New("a form is null")
	}
	kind := -1
	for k, name := range kindNames {
		if name == j.Kind {
			kind = k
		}
	}
	if kind < 0 {
		return nil, fmt.Errorf("unknown kind %q", j.Kind)
	}
	f := &Form{Kind: FormKind(kind), Pos: value.Pos{File: file, Line: j.Line, Col: j.Col}, Text: j.Text}
	switch {
	case f.Kind <= FKeyword:
		read, errs := Read(file, []byte(j.Value))
		if len(errs) > 0 || len(read) != 1 || read[0].Kind != f.Kind {
			return nil, fmt.Errorf("%d:%d: %q is not a %s literal", j.Line, j.Col, j.Value, j.Kind)
		}
		f.Val, f.Text = read[0].Val, read[0].Text
	case f.Kind == FSymbol || f.Kind == FContext:
		if j.Text == "" {
			return nil, fmt.Errorf("%d:%d: a %s without text", j.Line, j.Col, j.Kind)
		}
	default:
		for _, e := range j.Elems {
			elem, err := fromJSON(file, e)
			if err != nil {
				return nil, err
			}
			f.Elems = append(f.Elems, elem)
		}
		if (f.Kind == FQuasi || f.Kind == FUnquote || f.Kind == FSplice || f.Kind == FMeta) && len(f.Elems) > 1 {
			return nil, fmt.Errorf("%d:%d: a %s form holds one form, not %d", j.Line, j.Col, j.Kind, len(f.Elems))
		}
	}
	return f, nil
}
