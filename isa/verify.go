package isa

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rtfs-go/rtfs/value"
)

// Verify checks that m is safe to run: once it returns nil, no operand of
// any instruction, handler, pattern or upvalue descriptor can make the VM
// index outside a register window, a constant pool or one of the module's
// tables, and no path runs off the end of a function's code. It checks:
//
//   - every opcode is defined, the flag bits of an instruction are zero,
//     and every operand is in range for what the opcode's format says it
//     names (registers against NumRegs, RK operands, constants, globals,
//     builtins, types, patterns, steps, structs, protos, upvalues),
//     including the register windows of calls, vectors, maps,
//     Iter and Parallel;
//   - constants an opcode reads as a string (Raise, IfKind, GetVar, CtxRef,
//     CheckTypeFor) are strings, CheckKind's is a vector of two
//     strings and NewMap's a vector of valid map keys; GetUpval reads a
//     plain upvalue, GetUpCell a cell; only Protos[0], the top level, defines
//     globals (so the branches of a step-parallel, which run concurrently,
//     never write one);
//   - jump and handler targets land inside the code, Match does not skip
//     past the end, and the last instruction ends every path (Return,
//     TailCall, Throw, Raise or Jmp);
//   - the position table is as long as the code, parameters fit in the
//     registers, NumRegs is at most MaxA, and Protos[0] takes no parameters
//     and captures nothing;
//   - every proto but the first is made by the OpClosure instructions of
//     exactly one enclosing proto, all of them are reachable from Protos[0],
//     and each upvalue descriptor names a register or an upvalue that its
//     enclosing proto has (a captured upvalue keeps its cell flag);
//   - steps have a known kind, and their reach names capabilities by
//     sorted, unique, non-empty ids;
//   - builtins are names the caller's BuiltinSet knows; types and patterns have no
//     cycles and nest at most MaxNesting deep, and a pattern's registers
//     fit in every function that uses it; constants are nil, booleans,
//     numbers, strings, keywords, or vectors and maps of those.
//
// Names taken from the module (functions, steps, structs) are quoted in
// messages, since they come from untrusted files.
//
// Verify does not track what registers hold: the VM still checks at run
// time that a register read as a cell is one, that Iter's index is an
// integer, and the like.
func Verify(m *Module, builtins BuiltinSet) error {
	if m == nil {
		return errors.New("no module")
	}
	if len(m.Protos) == 0 {
		return errors.New("the module has no functions")
	}
	v := &verifier{
		m:        m,
		builtins: builtins,
		types:    map[*value.Type]int{},
		patterns: map[*Pattern]*patternFacts{},
		parent:   make([]int, len(m.Protos)),
	}
	for i := range v.parent {
		v.parent[i] = -1
	}
	return v.module()
}

type verifier struct {
	m        *Module
	builtins BuiltinSet
	// types holds the height of every type node checked so far, and 0 for
	// a node being checked (so reaching it again is a cycle).
	types map[*value.Type]int
	// patterns holds what is known of every pattern node checked so far,
	// and nil for a node being checked.
	patterns map[*Pattern]*patternFacts
	// parent[i] is the proto whose OpClosure instructions make Protos[i],
	// -1 while none has been seen.
	parent []int
}

type patternFacts struct {
	height int // levels of nesting, 1 for a pattern without sub-patterns
	maxReg int // the highest register the pattern binds, -1 when none
}

func (v *verifier) module() error {
	m := v.m
	for i, name := range m.Builtins {
		if v.builtins == nil || !v.builtins(name) {
			return fmt.Errorf("builtin %d: unknown builtin %q", i, name)
		}
	}
	for i, t := range m.Types {
		if _, err := v.typ(t, 1); err != nil {
			return fmt.Errorf("type %d: %w", i, err)
		}
	}
	for i, p := range m.Patterns {
		if _, err := v.pattern(p, 1); err != nil {
			return fmt.Errorf("pattern %d: %w", i, err)
		}
	}
	for i, s := range m.Steps {
		if err := checkStep(s); err != nil {
			return fmt.Errorf("step %d (%q): %w", i, s.Name, err)
		}
	}
	if err := checkReach(m.TopLevel); err != nil {
		return fmt.Errorf("top level: %w", err)
	}
	for i, s := range m.Structs {
		if !inRange(s.Type, len(m.Types)) {
			return fmt.Errorf("struct %d (%q): type %d out of range (%d types)", i, s.Name, s.Type, len(m.Types))
		}
	}
	for i, p := range m.Protos {
		if p == nil {
			return fmt.Errorf("proto %d is missing", i)
		}
		if err := v.proto(i, p); err != nil {
			return fmt.Errorf("proto %d (%q): %w", i, p.Name, err)
		}
	}
	return v.enclosures()
}

func inRange(i, n int) bool { return 0 <= i && i < n }

// aKind names a kind with its article, for messages: "an integer", "a map".
func aKind(k value.Kind) string {
	name := k.String()
	if strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

func checkStep(s Step) error {
	if s.Kind > StepParallel {
		return fmt.Errorf("unknown step kind %d", s.Kind)
	}
	if s.ExposeContext < -1 || s.ExposeContext > 1 {
		return fmt.Errorf("expose-context must be -1, 0 or 1, not %d", s.ExposeContext)
	}
	return checkReach(s.Reach)
}

// checkConstant accepts the values a constant pool, a literal pattern or a
// type may hold.
func checkConstant(k value.Value, depth int) error {
	if depth > MaxNesting {
		return fmt.Errorf("a constant nested more than %d deep", MaxNesting)
	}
	switch k.Kind() {
	case value.KNil, value.KBool, value.KInt, value.KFloat, value.KString, value.KKeyword, value.KSymbol:
		return nil
	case value.KVector, value.KList:
		for _, x := range k.AsVector().All() {
			if err := checkConstant(x, depth+1); err != nil {
				return err
			}
		}
		return nil
	case value.KMap:
		for e := range k.AsMap().Entries() {
			if !value.ValidKey(e.Key) {
				return fmt.Errorf("a map constant with %s key", aKind(e.Key.Kind()))
			}
			if err := checkConstant(e.Val, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%s cannot be a constant", aKind(k.Kind()))
}

// typ checks the type tree t, entered at depth, and returns its height.
func (v *verifier) typ(t *value.Type, depth int) (int, error) {
	if t == nil {
		return 0, nil
	}
	if h, seen := v.types[t]; seen {
		if h == 0 {
			return 0, errors.New("the type contains itself")
		}
		return h, nil
	}
	if depth > MaxNesting {
		return 0, fmt.Errorf("a type nested more than %d deep", MaxNesting)
	}
	v.types[t] = 0
	height := 1
	sub := func(u *value.Type) error {
		h, err := v.typ(u, depth+1)
		height = max(height, h+1)
		return err
	}
	for _, elem := range t.Elems {
		if err := sub(elem); err != nil {
			return 0, err
		}
	}
	for _, f := range t.Fields {
		if err := checkConstant(f.Key, depth+1); err != nil {
			return 0, err
		}
		if err := sub(f.Type); err != nil {
			return 0, err
		}
	}
	for _, p := range t.Preds {
		if err := checkConstant(p.Arg, depth+1); err != nil {
			return 0, err
		}
	}
	for _, k := range t.Values {
		if err := checkConstant(k, depth+1); err != nil {
			return 0, err
		}
	}
	v.types[t] = height
	return height, nil
}

// pattern checks the pattern tree p, entered at depth.
func (v *verifier) pattern(p *Pattern, depth int) (patternFacts, error) {
	if p == nil {
		return patternFacts{}, errors.New("a missing sub-pattern")
	}
	if f, seen := v.patterns[p]; seen {
		if f == nil {
			return patternFacts{}, errors.New("the pattern contains itself")
		}
		return *f, nil
	}
	if depth > MaxNesting {
		return patternFacts{}, fmt.Errorf("a pattern nested more than %d deep", MaxNesting)
	}
	v.patterns[p] = nil
	var regs []int // the registers the pattern binds itself; -1 is none
	var subs []*Pattern
	switch p.Kind {
	case PatBind:
		regs = []int{p.Reg}
	case PatIgnore:
	case PatLit:
		if err := checkConstant(p.Lit, depth+1); err != nil {
			return patternFacts{}, err
		}
	case PatVector:
		regs, subs = []int{p.Reg}, p.Elems
		if p.Rest != nil {
			subs = append(slices.Clip(subs), p.Rest)
		}
	case PatMap:
		if len(p.Keys) != len(p.Elems) {
			return patternFacts{}, fmt.Errorf("a map pattern with %d keys and %d sub-patterns", len(p.Keys), len(p.Elems))
		}
		for _, k := range p.Keys {
			if !value.ValidKey(k) {
				return patternFacts{}, fmt.Errorf("a map pattern key must be a keyword, a string or an integer, not %s", aKind(k.Kind()))
			}
		}
		regs, subs = []int{p.Reg, p.RestReg}, p.Elems
	case PatAs:
		if len(p.Elems) != 1 {
			return patternFacts{}, fmt.Errorf("an :as pattern needs one inner pattern, not %d", len(p.Elems))
		}
		regs, subs = []int{p.Reg}, p.Elems
	default:
		return patternFacts{}, fmt.Errorf("unknown pattern kind %d", p.Kind)
	}
	if (p.Kind == PatBind || p.Kind == PatAs) && p.Reg == -1 {
		return patternFacts{}, errors.New("a binding pattern without a register")
	}
	facts := patternFacts{height: 1, maxReg: -1}
	for _, r := range regs {
		if r < -1 {
			return patternFacts{}, fmt.Errorf("bad register %d", r)
		}
		facts.maxReg = max(facts.maxReg, r)
	}
	for _, q := range subs {
		f, err := v.pattern(q, depth+1)
		if err != nil {
			return patternFacts{}, err
		}
		facts.height = max(facts.height, f.height+1)
		facts.maxReg = max(facts.maxReg, f.maxReg)
	}
	v.patterns[p] = &facts
	return facts, nil
}

func (v *verifier) proto(index int, p *Proto) error {
	switch {
	case p.NumRegs < 0 || p.NumRegs > MaxA:
		return fmt.Errorf("%d registers: a function has 0 to %d", p.NumRegs, MaxA)
	case p.NumParams < 0 || p.NumParams+boolInt(p.Variadic) > p.NumRegs:
		return fmt.Errorf("%d parameters (variadic %t) do not fit in %d registers", p.NumParams, p.Variadic, p.NumRegs)
	case index == 0 && (p.NumParams != 0 || p.Variadic):
		return errors.New("the top-level function cannot take parameters")
	case index == 0 && len(p.Upvals) != 0:
		return errors.New("the top-level function cannot capture variables")
	case len(p.Code) == 0:
		return errors.New("the function has no code")
	case len(p.Pos) != len(p.Code):
		return fmt.Errorf("%d source positions for %d instructions", len(p.Pos), len(p.Code))
	}
	if err := checkDelegation(p); err != nil {
		return err
	}
	for i, k := range p.Consts {
		if err := checkConstant(k, 1); err != nil {
			return fmt.Errorf("constant %d: %w", i, err)
		}
	}
	for pc, in := range p.Code {
		if err := v.instr(index, p, pc, in); err != nil {
			return fmt.Errorf("pc %d (%s): %w", pc, in.Op(), err)
		}
	}
	if last := p.Code[len(p.Code)-1]; formats[last.Op()].flow != endsPath {
		return fmt.Errorf("the code ends with %s: the last instruction must be RETURN, TAILCALL, THROW, RAISE or JMP", last.Op())
	}
	for i, h := range p.Handlers {
		if err := checkHandler(p, h); err != nil {
			return fmt.Errorf("handler %d: %w", i, err)
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func checkDelegation(p *Proto) error {
	switch p.DelegateTarget {
	case "":
		if p.DelegateID != "" {
			return fmt.Errorf("delegation id %q without a target", p.DelegateID)
		}
	case "local-model", "remote":
		// An empty id is allowed: the front end accepts a delegation
		// without one, which calls the capability "model-call:".
	default:
		return fmt.Errorf("unknown delegation target %q", p.DelegateTarget)
	}
	return nil
}

func checkHandler(p *Proto, h Handler) error {
	n := len(p.Code)
	switch {
	case h.Start < 0 || h.Start > h.End || h.End > n:
		return fmt.Errorf("protected range [%d, %d) is not inside the code (%d instructions)", h.Start, h.End, n)
	case !inRange(h.Target, n):
		return fmt.Errorf("target %d is outside the code (%d instructions)", h.Target, n)
	case !inRange(h.Reg, p.NumRegs):
		return fmt.Errorf("register R%d out of range (%d registers)", h.Reg, p.NumRegs)
	}
	return nil
}

func (v *verifier) instr(index int, p *Proto, pc int, in Instr) error {
	op := in.Op()
	if !op.Valid() {
		return fmt.Errorf("unknown opcode %d", op)
	}
	f := formats[op]
	if f.hasFlags() {
		if unknown := in & flagBits; unknown != 0 {
			return fmt.Errorf("unknown flag bits %#02x", uint64(unknown>>56))
		}
	}
	if op == OpDefGlobal && index != 0 {
		return errors.New("only the top-level function may define globals")
	}
	for _, o := range f.operands {
		if err := v.operand(index, p, pc, o.kind, o.field.get(in)); err != nil {
			return err
		}
	}
	if first, n := windowOf(in, p.Consts); n > 0 && first+n > p.NumRegs {
		return fmt.Errorf("registers R%d..R%d out of range (%d registers)", first, first+n-1, p.NumRegs)
	}
	if f.flow == skipsNext && pc+2 >= len(p.Code) {
		return errors.New("skipping the next instruction would leave the code")
	}
	return nil
}

// operand checks one operand x of kind k of the instruction at pc of
// Protos[index].
func (v *verifier) operand(index int, p *Proto, pc int, k operandKind, x int) error {
	m := v.m
	switch k {
	case opReg:
		return checkReg(x, p)
	case opRK:
		if x < RKConst {
			return checkReg(x, p)
		}
		return checkConstIndex(x-RKConst, p)
	case opConst:
		return checkConstIndex(x, p)
	case opConstString, opConstKeys, opConstStringPair:
		if err := checkConstIndex(x, p); err != nil {
			return err
		}
		return checkConstShape(k, x, p.Consts[x])
	case opImmediate:
	case opGlobal:
		return checkIndex("global", x, len(m.Globals))
	case opBuiltin:
		return checkIndex("builtin", x, len(m.Builtins))
	case opType:
		return checkIndex("type", x, len(m.Types))
	case opPattern:
		if err := checkIndex("pattern", x, len(m.Patterns)); err != nil {
			return err
		}
		// The pattern was checked with the module's tables.
		if reg := v.patterns[m.Patterns[x]].maxReg; reg >= p.NumRegs {
			return fmt.Errorf("pattern %d binds register R%d, out of range (%d registers)", x, reg, p.NumRegs)
		}
	case opStep:
		return checkIndex("step", x, len(m.Steps))
	case opStruct:
		return checkIndex("struct", x, len(m.Structs))
	case opProto:
		return v.closure(index, x)
	case opUpval, opUpCell:
		if !inRange(x, len(p.Upvals)) {
			return fmt.Errorf("upvalue U%d out of range (%d upvalues)", x, len(p.Upvals))
		}
		if cell := p.Upvals[x].Cell; cell != (k == opUpCell) {
			return fmt.Errorf("upvalue U%d is %s", x, cellText(cell))
		}
	case opJump:
		if target := pc + 1 + x; !inRange(target, len(p.Code)) {
			return fmt.Errorf("jump target %d is outside the code (%d instructions)", target, len(p.Code))
		}
	}
	return nil
}

// checkConstShape checks that the constant K[x] has the shape the operand
// kind k demands.
func checkConstShape(k operandKind, x int, c value.Value) error {
	switch k {
	case opConstString:
		if c.Kind() != value.KString {
			return fmt.Errorf("constant K%d must be a string, not %s", x, aKind(c.Kind()))
		}
	case opConstKeys:
		if c.Kind() != value.KVector {
			return fmt.Errorf("constant K%d must be a vector of map keys, not %s", x, aKind(c.Kind()))
		}
		for _, key := range c.AsVector().All() {
			if !value.ValidKey(key) {
				return fmt.Errorf("constant K%d holds %s, which cannot be a map key", x, aKind(key.Kind()))
			}
		}
	case opConstStringPair:
		if c.Kind() != value.KVector || c.AsVector().Len() != 2 ||
			c.AsVector().Nth(0).Kind() != value.KString || c.AsVector().Nth(1).Kind() != value.KString {
			return fmt.Errorf("constant K%d must be a vector of two strings", x)
		}
	}
	return nil
}

func cellText(cell bool) string {
	if cell {
		return "a cell"
	}
	return "not a cell"
}

func checkReg(r int, p *Proto) error {
	if !inRange(r, p.NumRegs) {
		return fmt.Errorf("register R%d out of range (%d registers)", r, p.NumRegs)
	}
	return nil
}

func checkConstIndex(k int, p *Proto) error {
	if !inRange(k, len(p.Consts)) {
		return fmt.Errorf("constant K%d out of range (%d constants)", k, len(p.Consts))
	}
	return nil
}

func checkIndex(table string, i, n int) error {
	if !inRange(i, n) {
		return fmt.Errorf("%s %d out of range (%d in the module)", table, i, n)
	}
	return nil
}

// closure records that Protos[parent] makes closures of Protos[child].
func (v *verifier) closure(parent, child int) error {
	if err := checkIndex("proto", child, len(v.m.Protos)); err != nil {
		return err
	}
	switch v.parent[child] {
	case -1:
		if child == 0 {
			return errors.New("the top-level function cannot be made into a closure")
		}
		v.parent[child] = parent
	case parent:
	default:
		return fmt.Errorf("proto %d is made by closures in both proto %d and proto %d", child, v.parent[child], parent)
	}
	return nil
}

// enclosures checks that the protos form one tree rooted at Protos[0] and
// that every upvalue descriptor names something its enclosing proto has.
func (v *verifier) enclosures() error {
	protos := v.m.Protos
	children := make([][]int, len(protos))
	carried := func(i int) bool { return i > 0 && i < v.m.Continued }
	for child, parent := range v.parent {
		if child == 0 || carried(child) {
			continue
		}
		if parent == -1 {
			return fmt.Errorf("proto %d (%q) is never made into a closure", child, protos[child].Name)
		}
		children[parent] = append(children[parent], child)
	}
	reached := make([]bool, len(protos))
	reached[0] = true
	for i := 1; carried(i); i++ {
		reached[i] = true
	}
	for queue := []int{0}; len(queue) > 0; queue = queue[1:] {
		for _, child := range children[queue[0]] {
			reached[child] = true
			queue = append(queue, child)
		}
	}
	for i, p := range protos {
		if !reached[i] {
			return fmt.Errorf("proto %d (%q) cannot be reached from the top-level function", i, p.Name)
		}
		if carried(i) {
			continue // its upvalues were checked in the module it came from
		}
		for j, u := range p.Upvals {
			if err := checkUpval(u, protos[v.parent[i]]); err != nil {
				return fmt.Errorf("proto %d (%q): upvalue %d: %w", i, p.Name, j, err)
			}
		}
	}
	return nil
}

func checkUpval(u Upval, parent *Proto) error {
	if u.FromParent {
		if !inRange(u.Index, parent.NumRegs) {
			return fmt.Errorf("captures register R%d of a function with %d registers", u.Index, parent.NumRegs)
		}
		return nil
	}
	if !inRange(u.Index, len(parent.Upvals)) {
		return fmt.Errorf("captures upvalue U%d of a function with %d upvalues", u.Index, len(parent.Upvals))
	}
	if outer := parent.Upvals[u.Index]; outer.Cell != u.Cell {
		return fmt.Errorf("captures upvalue U%d, which is %s, as %s", u.Index, cellText(outer.Cell), cellText(u.Cell))
	}
	return nil
}
