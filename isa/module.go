package isa

import "github.com/rtfs-go/rtfs/value"

// Module is a compiled program: what a .rtfsb file holds.
type Module struct {
	File     string   // source file name, for error positions
	Protos   []*Proto // Protos[0] is the top-level code (no parameters)
	Globals  []string // names of the global slots G
	Builtins []string // builtins bound at compile time, by name (OpCallB's C)
	Types    []*value.Type
	Patterns []*Pattern
	Steps    []Step
	// TopLevel is what the code outside every step reaches; the run
	// derives the plan profile from it.
	TopLevel Reach
	Structs  []Struct
	// Sections are opaque named blobs carried for later stages (WebAssembly
	// modules); the VM ignores those it does not know.
	Sections map[string][]byte
	// Continued says that Protos[1:Continued] come from a module already
	// verified and run, which this one continues (a session's earlier
	// input, see codegen.Options.Base): the closures of that run make
	// them, not this module's code; CarriedFiles are the source files they
	// were compiled from, by proto index. Neither is stored in a container.
	Continued    int
	CarriedFiles []string
}

// Proto is a function prototype.
type Proto struct {
	Name      string // defn name, "fn" for anonymous functions, "main" for the top level
	Params    string // the parameter vector as written, "[x & more]", for arity hints ("" for main)
	NumParams int    // fixed parameters
	Variadic  bool   // a rest list arrives in R[NumParams]
	NumRegs   int
	Code      []Instr
	Pos       []Pos // source position of each instruction (parallel to Code)
	Consts    []value.Value
	Upvals    []Upval
	Handlers  []Handler // innermost first
	// Delegation sends calls of this function to the host as the capability
	// "model-call:" + DelegateID (Target "local-model" or "remote").
	DelegateTarget string
	DelegateID     string
}

// Pos is a source line and column.
type Pos struct {
	Line, Col int32
}

// Upval says where a closure's captured variable comes from when OpClosure
// runs: a register of the enclosing frame (FromParent) or an upvalue of the
// enclosing closure. Cell tells whether the captured value is a cell.
type Upval struct {
	FromParent bool
	Index      int
	Cell       bool
}

// Handler protects the pcs [Start, End): an error raised there continues at
// Target with the error value in R[Reg]. A Finally handler also intercepts
// errors no catch may see (timeouts, memory), runs the finally code and
// raises them again.
type Handler struct {
	Start, End, Target int
	Reg                int
	Finally            bool
}

// PatternKind says what a Pattern matches.
type PatternKind uint8

// The pattern kinds (see compiler/ast/pattern.go for their rules).
const (
	PatBind PatternKind = iota
	PatIgnore
	PatLit
	PatVector
	PatMap
	PatAs
)

// Pattern is a destructuring or match pattern whose bindings are registers.
type Pattern struct {
	Kind PatternKind
	// Reg is the register PatBind and PatAs bind, and the :as register of
	// PatVector and PatMap; -1 when absent.
	Reg  int
	Cell bool // Reg holds a cell: store into the cell
	Lit  value.Value
	Keys []value.Value // PatMap keys, parallel to Elems
	// Elems are the element patterns (PatVector), the sub-patterns of each
	// key (PatMap) or the inner pattern (PatAs, one element).
	Elems    []*Pattern
	Rest     *Pattern // PatVector `& rest`; nil when absent
	RestReg  int      // PatMap `& more` register; -1 when absent
	RestCell bool
}

// Step is one entry of the step table: a step form's static description.
// The code generator makes one entry per step form of the program, in the
// order of ast.Step.Index, so that the table lines up with what the effect
// analysis derives.
type Step struct {
	Name          string
	Kind          StepKind
	ExposeContext int8 // -1 unset, 0 false, 1 true
	ContextKeys   []string
	MergePolicy   string
	// Reach is what the step's code can reach; the run derives the step's
	// profile from it.
	Reach Reach
}

// Struct is a defstruct: its name and the map type its constructor checks
// (an index into Module.Types).
type Struct struct {
	Name string
	Type int
}
