package parse

import (
	"fmt"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/syntax"
	"github.com/rtfs-go/rtfs/value"
)

// The step forms (§4.14) validate their arguments at run time in the
// reference, raising InvalidArguments; a malformed step is therefore built
// as a Raise of that kind, not reported as a parse error.

var stepNames = map[ast.StepKind]string{
	ast.StepPlain:    "step",
	ast.StepIf:       "step-if",
	ast.StepLoop:     "step-loop",
	ast.StepParallel: "step-parallel",
}

func stepBuilder(kind ast.StepKind) formBuilder {
	return func(b *builder, f *syntax.Form, args []*syntax.Form) ast.Node {
		return b.buildStep(f, kind, args)
	}
}

func (b *builder) buildStep(f *syntax.Form, kind ast.StepKind, args []*syntax.Form) ast.Node {
	name := stepNames[kind]
	step := &ast.Step{At: at(f), Kind: kind, Name: name}
	if kind == ast.StepPlain {
		switch {
		case len(args) == 0:
			return b.raise(f, value.InvalidArguments, "step: expected a name string")
		case args[0].Kind == syntax.FKeyword:
			return b.call(f) // (step :k ...) calls a function named step
		case args[0].Kind != syntax.FString:
			return b.raise(f, value.InvalidArguments, "step: the step name must be a string literal, got "+describe(args[0]), args...)
		}
		step.Name = args[0].Val.AsString()
		args = args[1:]
	}
	if kind == ast.StepParallel && len(args) == 0 {
		return b.raise(f, value.InvalidArguments, "step-parallel: expected at least one branch")
	}
	body, err := b.stepOptions(step, args)
	if err == nil {
		err = checkStepBody(kind, len(body))
	}
	if err != nil {
		return b.raise(f, value.InvalidArguments, name+": "+err.Error(), args...)
	}
	return b.numberStep(step, body)
}

// numberStep gives step the next index, then builds its body: the index
// of an enclosing step comes before those of the steps inside it.
func (b *builder) numberStep(step *ast.Step, body []*syntax.Form) *ast.Step {
	step.Index = b.steps
	b.steps++
	step.Body = b.exprs(body)
	return step
}

// checkStepBody checks the number of forms after the options.
func checkStepBody(kind ast.StepKind, n int) error {
	switch {
	case kind == ast.StepIf && (n < 2 || n > 3):
		return fmt.Errorf("expected a condition, a then branch and an optional else branch, got %d forms", n)
	case kind == ast.StepLoop && n != 2:
		return fmt.Errorf("expected a condition and a body, got %d forms", n)
	}
	return nil
}

// stepOptions reads the keyword/value options before a step's body and
// returns the body. A keyword that is not an option of this step ends the
// options and starts the body, as in the reference; a known option with a
// bad value is an error.
func (b *builder) stepOptions(step *ast.Step, args []*syntax.Form) ([]*syntax.Form, error) {
	i := 0
	for ; i+1 < len(args); i += 2 {
		key, ok := keywordName(args[i])
		if !ok {
			break
		}
		val := args[i+1]
		var err error
		switch {
		case key == "expose-context":
			err = setExposeContext(step, val)
		case key == "context-keys":
			err = setContextKeys(step, val)
		case key == "params" && step.Kind == ast.StepPlain:
			err = b.setParams(step, val)
		case key == "merge-policy" && step.Kind == ast.StepParallel:
			err = setMergePolicy(step, val)
		case step.Kind == ast.StepParallel && i == 0 && !isOptionLiteral(val):
			// In first position the reference takes any keyword for an
			// option and rejects a value that is not a literal.
			err = fmt.Errorf("option :%s needs a keyword, string or boolean value, got %s", key, describe(val))
		default:
			return args[i:], nil
		}
		if err != nil {
			return nil, err
		}
	}
	return args[i:], nil
}

func isOptionLiteral(f *syntax.Form) bool {
	return f.Kind == syntax.FKeyword || f.Kind == syntax.FString || f.Kind == syntax.FBool
}

// setExposeContext reads `:expose-context true|false`.
func setExposeContext(step *ast.Step, val *syntax.Form) error {
	if val.Kind != syntax.FBool {
		return fmt.Errorf(":expose-context must be true or false, got %s", describe(val))
	}
	exposed := val.Val.AsBool()
	step.ExposeContext = &exposed
	return nil
}

// setContextKeys reads `:context-keys ["k" ...]`.
func setContextKeys(step *ast.Step, val *syntax.Form) error {
	if val.Kind != syntax.FVector {
		return fmt.Errorf(":context-keys must be a vector of strings, got %s", describe(val))
	}
	for _, k := range val.Elems {
		if k.Kind != syntax.FString {
			return fmt.Errorf(":context-keys must be a vector of strings, got %s in it", describe(k))
		}
		step.ContextKeys = append(step.ContextKeys, k.Val.AsString())
	}
	return nil
}

// setParams reads `:params {"k" expr ...}`; the values are expressions of
// the enclosing scope.
func (b *builder) setParams(step *ast.Step, val *syntax.Form) error {
	if val.Kind != syntax.FMap {
		return fmt.Errorf(":params must be a map with string keys, got %s", describe(val))
	}
	for i := 0; i+1 < len(val.Elems); i += 2 {
		if k := val.Elems[i]; k.Kind != syntax.FString {
			return fmt.Errorf(":params keys must be strings, got %s", describe(k))
		}
	}
	for i := 0; i+1 < len(val.Elems); i += 2 {
		step.ParamKeys = append(step.ParamKeys, val.Elems[i].Val.AsString())
		step.ParamVals = append(step.ParamVals, b.expr(val.Elems[i+1]))
	}
	return nil
}

// mergePolicies are the values of step-parallel's :merge-policy.
var mergePolicies = map[string]bool{"keep-existing": true, "overwrite": true, "merge": true}

// setMergePolicy reads `:merge-policy :keep-existing|:overwrite|:merge`
// (a string naming the policy also does, as in the reference).
func setMergePolicy(step *ast.Step, val *syntax.Form) error {
	var policy string
	switch val.Kind {
	case syntax.FKeyword:
		policy = val.Val.AsKeyword().Name
	case syntax.FString:
		policy = val.Val.AsString()
	}
	if !mergePolicies[policy] {
		return fmt.Errorf(":merge-policy must be :keep-existing, :overwrite or :merge, got %s", describe(val))
	}
	step.MergePolicy = policy
	return nil
}

// buildParallel is the RTFS 1.0 form (parallel [n1 e1] [n2 e2] ...) (A40):
// the expressions run as the branches of one step-parallel, and the result
// maps :n1 :n2 ... to their values. It is built as
//
//	(let [[%parallel-0 %parallel-1 ...] (step-parallel e1 e2 ...)]
//	  {:n1 %parallel-0 :n2 %parallel-1 ...})
//
// with names no program can write, so that no binding of the program's can
// change what the form means.
func (b *builder) buildParallel(f *syntax.Form, args []*syntax.Form) ast.Node {
	if len(args) == 0 {
		return b.report(f, value.InvalidInput, "parallel: expected at least one [name expression] binding")
	}
	result := &ast.Map{At: at(f)}
	var pattern ast.PVector
	branches := make([]*syntax.Form, len(args))
	for i, arg := range args {
		if arg.Kind != syntax.FVector || len(arg.Elems) != 2 || arg.Elems[0].Kind != syntax.FSymbol {
			return b.report(arg, value.InvalidInput, "parallel: each binding must be a vector [name expression], got %s", describe(arg))
		}
		name := fmt.Sprintf("%%parallel-%d", i)
		pattern.Elems = append(pattern.Elems, ast.PBind{Name: name})
		result.Keys = append(result.Keys, value.Kw(arg.Elems[0].Text))
		result.Vals = append(result.Vals, &ast.Symbol{At: at(arg), Name: name})
		branches[i] = arg.Elems[1]
	}
	// The branches are expressions only: a keyword among them is no option.
	step := b.numberStep(&ast.Step{At: at(f), Kind: ast.StepParallel, Name: stepNames[ast.StepParallel]}, branches)
	return &ast.Let{At: at(f), Bindings: []ast.Binding{{Pattern: pattern, Value: step}}, Body: []ast.Node{result}}
}
