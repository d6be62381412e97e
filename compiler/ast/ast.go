// Package ast defines the abstract syntax of RTFS after macro expansion: one
// node type per special form, plain calls, literals and references. Every
// node keeps the source position it came from, so both engines report errors
// at the same file:line:col. The interpreter walks these nodes; the compiler
// lowers them to bytecode.
package ast

import (
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/value"
)

// Node is an expression.
type Node interface {
	Pos() value.Pos
}

// At is embedded in every node to carry its position.
type At struct{ P value.Pos }

// Pos implements Node.
func (a At) Pos() value.Pos { return a.P }

// Program is a whole file: top-level forms evaluated in order.
type Program struct {
	File  string
	Forms []Node
	// Warnings are what the front end found odd but valid, such as a map
	// literal giving a key twice.
	Warnings []*value.Error
}

// Const is a literal (number, string, boolean, nil, keyword).
type Const struct {
	At
	Val value.Value
}

// Symbol is a variable reference.
type Symbol struct {
	At
	Name string
}

// Vector is a vector literal; elements are evaluated left to right.
type Vector struct {
	At
	Elems []Node
}

// Map is a map literal. Keys are literals (keyword, string, integer); values
// are evaluated in source order. Duplicate keys: the last wins.
type Map struct {
	At
	Keys []value.Value
	Vals []Node
}

// Call applies Fn to Args: head first, then arguments left to right.
type Call struct {
	At
	Fn   Node
	Args []Node
}

// Def binds Name in the current innermost scope and returns the value.
type Def struct {
	At
	Name  string
	Type  *value.Type // nil when not annotated
	Value Node
}

// Fn is a function literal; defn is a Def whose Value is an Fn with Name set.
type Fn struct {
	At
	Name       string // the defn name ("" for fn); used in arity errors
	Params     []Param
	Rest       *RestParam // nil unless `& rest`
	Ret        *value.Type
	Body       []Node // implicit do; never empty
	Delegation *Delegation
}

// Param is one positional parameter: a pattern and an optional annotation.
type Param struct {
	Pattern Pattern
	Type    *value.Type
}

// RestParam is `& name [: T]`; the rest is bound to a list, checked
// element-wise against Type.
type RestParam struct {
	Name string
	Type *value.Type
}

// Delegation is `^:delegation :local | :local-model "id" | :remote "id"`.
type Delegation struct {
	Target string // "local", "local-model" or "remote"
	ID     string
}

// Let binds Bindings in order in a child scope, then evaluates Body.
type Let struct {
	At
	Bindings []Binding
	Body     []Node
}

// Binding is one `pattern [:T] value` pair of a let.
type Binding struct {
	Pattern Pattern
	Type    *value.Type
	Value   Node
}

// If is `(if c then [else])`; a missing else is nil (Else is nil).
type If struct {
	At
	Cond, Then, Else Node
}

// Do evaluates Body in order; `(do)` is nil.
type Do struct {
	At
	Body []Node
}

// And and Or are the short-circuiting forms of §4.7.
type And struct {
	At
	Args []Node
}

// Or: see And.
type Or struct {
	At
	Args []Node
}

// Match tries Clauses in order against the value of Subject.
type Match struct {
	At
	Subject Node
	Clauses []MatchClause
}

// MatchClause is `pattern [when guard] body`.
type MatchClause struct {
	Pattern Pattern
	Guard   Node // nil when absent
	Body    Node
}

// Try is try/catch/finally.
type Try struct {
	At
	Body    []Node
	Catches []Catch
	Finally []Node // nil when absent
}

// Catch is `(catch Pattern sym body+)` or `(catch sym body+)`.
type Catch struct {
	At
	Kind    value.ErrorKind // "" catches every error
	Binding string          // "_" or "" binds nothing
	Body    []Node
}

// For is `(for [x coll ...] body)`: nested loops, vector of body values.
type For struct {
	At
	Bindings []ForBinding
	Body     Node
}

// ForBinding is one `name coll` pair of a for.
type ForBinding struct {
	Name string
	Coll Node
}

// Dotimes is `(dotimes [i n] body...)`.
type Dotimes struct {
	At
	Var   string
	Count Node
	Body  []Node
}

// GetVar is the one-argument `(get :k)` / `(get sym)` shorthand: environment,
// then host context, then cross-plan parameters; nil if absent.
type GetVar struct {
	At
	Name string
}

// ContextRef is `@name`: the host execution-context value, or the string
// "@name" when absent.
type ContextRef struct {
	At
	Name string
}

// Defstruct binds Name to a one-argument constructor that validates a map.
type Defstruct struct {
	At
	Name   string
	Fields []value.TypeField
}

// CallCap is `(call id arg*)`: a capability call through the host.
type CallCap struct {
	At
	ID   Node
	Args []Node
}

// Meta is `^{...} expr`: entries with a `runtime.` key are evaluated and
// handed to the host as hints while Expr runs.
type Meta struct {
	At
	Keys []value.Value
	Vals []Node
	Expr Node
}

// StepKind says which step form a Step node is: the kinds of the bytecode
// step table, so that both engines name a form the same way.
type StepKind = isa.StepKind

// The step forms.
const (
	StepPlain    = isa.StepPlain
	StepIf       = isa.StepIf
	StepLoop     = isa.StepLoop
	StepParallel = isa.StepParallel
)

// Step is one of the CCOS plan forms (§4.14).
type Step struct {
	At
	Kind StepKind
	// Index numbers the program's step forms from 0 in source order (an
	// enclosing step before the steps inside it). Step profiles and the
	// bytecode step table are indexed by it.
	Index         int
	Name          string // the literal name; "step-if", "step-loop", "step-parallel" for the others
	ExposeContext *bool
	ContextKeys   []string
	ParamKeys     []string // :params {"k" expr ...}; evaluated in the enclosing scope
	ParamVals     []Node
	MergePolicy   string // step-parallel: "keep-existing", "overwrite" or "merge" ("" when absent)
	// Body: the body forms (plain), [cond then else?] (if), [cond body]
	// (loop), the branches (parallel).
	Body []Node
}

// Raise raises an error when evaluated. The front end uses it for errors the
// language defines as run-time ones but that are known statically, e.g.
// quasiquote outside a macro template (InternalError).
type Raise struct {
	At
	Kind    value.ErrorKind
	Message string
}

// ParamsName is the variable a step with :params binds its map to.
const ParamsName = "%params"

// WellFormed checks what the type of Step cannot say: a known kind, the
// body shape step-if and step-loop need, and as many :params values as
// keys. A malformed step raises InvalidArguments when evaluated.
func (n *Step) WellFormed() bool {
	if len(n.ParamKeys) != len(n.ParamVals) {
		return false
	}
	switch n.Kind {
	case StepIf:
		return len(n.Body) == 2 || len(n.Body) == 3
	case StepLoop:
		return len(n.Body) == 2
	}
	return n.Kind <= StepParallel
}

// Binds reports whether a catch clause binds the caught error to a name.
func (c Catch) Binds() bool { return c.Binding != "" && c.Binding != "_" }
