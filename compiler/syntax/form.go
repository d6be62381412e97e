// Package syntax reads RTFS source into forms: the S-expression data of the
// program, each with the position it was read from. It drives the ANTLR
// lexer and parser generated from grammar/RTFS.g4 and turns their parse tree
// into Form values, decoding literals (numbers, string escapes, extended
// literals) on the way. Special forms are not recognised here; the compiler
// does that on the forms, so malformed ones get precise errors.
package syntax

import "github.com/rtfs-go/rtfs/value"

// FormKind says what a Form is.
type FormKind uint8

// The kinds of forms.
const (
	// Literals: Val holds the decoded value. Timestamps, UUIDs and resource
	// handles are FString forms holding their source text.
	FInt FormKind = iota
	FFloat
	FString
	FBool
	FNil
	FKeyword // Val is the keyword value
	// FSymbol: Text is the symbol name. `λ` is read as "fn", `@:key` as the
	// symbol "key", a lone `:` (which introduces a type annotation) as the
	// symbol ":".
	FSymbol
	FList   // Elems: the elements
	FVector // Elems: the elements
	FMap    // Elems: k1 v1 k2 v2 ... as written (count and keys are checked by the compiler)
	FQuasi  // `x: Elems[0]
	FUnquote
	FSplice  // ~@x: Elems[0]
	FShortFn // #( ... ): Elems are the forms inside the parentheses
	FMeta    // ^x: Elems[0] is the metadata form (a map or a keyword); it applies to the forms that follow it in the enclosing sequence
	FContext // @name: Text is the name
)

// Form is one datum read from source.
type Form struct {
	Kind  FormKind
	Pos   value.Pos
	Val   value.Value
	Text  string
	Elems []*Form
}

// IsSymbol reports whether f is the symbol name.
func (f *Form) IsSymbol(name string) bool { return f.Kind == FSymbol && f.Text == name }
