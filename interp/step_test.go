package interp

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

func step(name string, body ...ast.Node) *ast.Step {
	return &ast.Step{At: at(1), Kind: ast.StepPlain, Name: name, Body: body}
}

func stepIf(body ...ast.Node) *ast.Step {
	return &ast.Step{At: at(1), Kind: ast.StepIf, Name: "step-if", Body: body}
}

func stepLoop(cond, body ast.Node) *ast.Step {
	return &ast.Step{At: at(1), Kind: ast.StepLoop, Name: "step-loop", Body: []ast.Node{cond, body}}
}

func stepParallel(branches ...ast.Node) *ast.Step {
	return &ast.Step{At: at(1), Kind: ast.StepParallel, Name: "step-parallel", MergePolicy: "keep-existing", Body: branches}
}

func capCall(id ast.Node, args ...ast.Node) *ast.CallCap {
	return &ast.CallCap{At: at(1), ID: id, Args: args}
}

// eventLog renders recorded events one per line: "started name",
// "completed result", "failed message", each with its action id.
func eventLog(events []host.Event) string {
	lines := make([]string, len(events))
	for i, e := range events {
		switch e.Type {
		case host.PlanStepStarted:
			lines[i] = fmt.Sprintf("%s started %s", e.ActionID, e.Name)
		case host.PlanStepCompleted:
			lines[i] = fmt.Sprintf("%s completed %s", e.ActionID, e.Result)
		case host.PlanStepFailed:
			lines[i] = fmt.Sprintf("%s failed %s", e.ActionID, e.Message)
		}
	}
	return strings.Join(lines, "\n")
}

func TestSteps(t *testing.T) {
	cases := []struct {
		name    string
		forms   []ast.Node
		want    string
		wantErr value.ErrorKind
		events  string
	}{
		{name: "step value and events", forms: forms(step("fetch", num(1), num(2))), want: "2",
			events: "action-1 started fetch\naction-1 completed 2"},
		{name: "empty step", forms: forms(step("noop")), want: "nil",
			events: "action-1 started noop\naction-1 completed nil"},
		{name: "nested steps", forms: forms(step("outer", step("inner", num(1)), num(2))), want: "2",
			events: "action-1 started outer\naction-2 started inner\naction-2 completed 1\naction-1 completed 2"},
		{name: "failure is logged, then raised (A13)", forms: forms(step("boom", op("/", num(1), num(0)))), wantErr: value.DivisionByZero,
			events: "action-1 started boom\naction-1 failed Division by zero"},
		{name: "failure propagates through outer steps", forms: forms(step("outer", step("inner", sym("nope")))), wantErr: value.UndefinedSymbol,
			events: "action-1 started outer\naction-2 started inner\naction-2 failed Undefined symbol: nope\naction-1 failed Undefined symbol: nope"},
		{name: "a caught failure is still logged", forms: forms(&ast.Try{At: at(1), Body: []ast.Node{step("boom", sym("nope"))},
			Catches: []ast.Catch{{At: at(1), Binding: "e", Body: []ast.Node{str("recovered")}}}}), want: `"recovered"`,
			events: "action-1 started boom\naction-1 failed Undefined symbol: nope"},
		{name: "step body shares the enclosing scope", forms: forms(step("define", def("x", num(5))), sym("x")), want: "5",
			events: "action-1 started define\naction-1 completed 5"},
		{name: "params", forms: forms(def("n", num(2)), &ast.Step{At: at(1), Kind: ast.StepPlain, Name: "p",
			ParamKeys: []string{"count", "label"}, ParamVals: []ast.Node{op("+", sym("n"), num(1)), str("x")},
			Body: []ast.Node{sym("%params")}}), want: `{"count" 3 "label" "x"}`,
			events: "action-1 started p\naction-1 completed {\"count\" 3 \"label\" \"x\"}"},
		{name: "params scope ends with the step", forms: forms(&ast.Step{At: at(1), Kind: ast.StepPlain, Name: "p",
			ParamKeys: []string{"k"}, ParamVals: []ast.Node{num(1)}, Body: []ast.Node{def("y", num(1))}}, sym("y")),
			wantErr: value.UndefinedSymbol, events: "action-1 started p\naction-1 completed 1"},
		{name: "step-if then", forms: forms(stepIf(num(1), str("then"), str("else"))), want: `"then"`,
			events: "action-1 started step-if\naction-1 completed \"then\""},
		{name: "step-if extended falsiness", forms: forms(vec(
			stepIf(num(0), str("t"), str("f")),
			stepIf(lit(value.Float(0)), str("t"), str("f")),
			stepIf(str(""), str("t"), str("f")),
			stepIf(vec(), str("t"), str("f")),
			stepIf(&ast.Map{At: at(1)}, str("t"), str("f")),
			stepIf(lit(value.NewList(nil)), str("t"), str("f")),
			stepIf(lit(value.False), str("t")))), want: `["f" "f" "f" "f" "f" "t" nil]`},
		{name: "step-loop", forms: forms(def("i", num(0)), stepLoop(op("<", sym("i"), num(3)), def("i", op("+", sym("i"), num(1))))), want: "3",
			events: "action-1 started step-loop\naction-1 completed 3"},
		{name: "step-loop never entered", forms: forms(stepLoop(num(0), num(1))), want: "nil",
			events: "action-1 started step-loop\naction-1 completed nil"},
		{name: "step-loop limit", forms: forms(stepLoop(lit(value.True), num(1))), wantErr: value.Generic,
			events: "action-1 started step-loop\naction-1 failed Loop exceeded maximum iterations (10000)"},
		{name: "a step-parallel branch is a child action", forms: forms(stepParallel(step("a", num(1)))), want: "[1]",
			events: "action-1 started step-parallel\naction-2 started step-parallel/branch-0\naction-3 started a\naction-3 completed 1\naction-2 completed 1\naction-1 completed [1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := host.NewRecorder()
			v, err := run(t, Options{Host: h}, c.forms...)
			checkOutcome(t, v, err, c.want, c.wantErr)
			if c.events != "" {
				if got := eventLog(h.Events()); got != c.events {
					t.Errorf("events:\n%s\nwant:\n%s", got, c.events)
				}
			}
		})
	}
}

func TestStepLoopLimitIsExact(t *testing.T) {
	// 9999 iterations then a false condition complete; a loop still going
	// after 10000 fails, even if its condition was about to turn false.
	loopTo := func(limit int64) []ast.Node {
		return forms(def("i", num(0)), stepLoop(op("<", sym("i"), num(limit)), def("i", op("+", sym("i"), num(1)))))
	}
	v, err := run(t, Options{}, loopTo(9999)...)
	checkOutcome(t, v, err, "9999", "")
	_, err = run(t, Options{}, loopTo(10000)...)
	checkOutcome(t, value.Nil, err, "", value.Generic)
}

func TestStepIsolation(t *testing.T) {
	cases := []struct {
		name   string
		form   ast.Node
		denied host.Isolation
	}{
		{"step needs inherit", step("s"), host.Inherit},
		{"step-if needs inherit", stepIf(num(1), num(2)), host.Inherit},
		{"step-loop needs inherit", stepLoop(num(0), num(1)), host.Inherit},
		{"step-parallel needs isolated", stepParallel(num(1)), host.Isolated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := host.NewRecorder()
			rc := host.NewContext(host.Full)
			rc.DeniedIsolation = map[host.Isolation]bool{c.denied: true}
			_, err := run(t, Options{Host: h, Context: rc}, c.form)
			checkOutcome(t, value.Nil, err, "", value.SecurityViolation)
			if n := len(h.Events()); n != 0 {
				t.Errorf("%d events recorded for a step that may not run", n)
			}

			rc.DeniedIsolation = map[host.Isolation]bool{host.Sandboxed: true}
			if _, err := run(t, Options{Host: h, Context: rc}, c.form); err != nil {
				t.Errorf("denying another level: %v", err)
			}
		})
	}
}

func TestCapabilityCalls(t *testing.T) {
	h := newTestHost()
	h.caps["ccos.echo"] = func(args []value.Value) (value.Value, error) { return value.NewVector(args), nil }
	h.caps["ccos.fail"] = func([]value.Value) (value.Value, error) { return value.Nil, errors.New("disk on fire") }
	h.caps["model-call:gpt"] = func(args []value.Value) (value.Value, error) {
		return value.String("model says " + args[0].AsString()), nil
	}
	delegated := &ast.Fn{At: at(1), Params: params("prompt"), Body: []ast.Node{str("ran locally")},
		Delegation: &ast.Delegation{Target: "remote", ID: "gpt"}}
	local := &ast.Fn{At: at(1), Params: params("prompt"), Body: []ast.Node{str("ran locally")},
		Delegation: &ast.Delegation{Target: "local"}}
	full := host.NewContext(host.Full)
	controlled := host.NewContext(host.Controlled, "ccos.echo")
	cases := []struct {
		name    string
		rc      *host.RuntimeContext
		form    ast.Node
		want    string
		wantErr value.ErrorKind
	}{
		{name: "keyword id", rc: full, form: capCall(kw("ccos.echo"), num(1), str("a")), want: `[1 "a"]`},
		{name: "string id", rc: full, form: capCall(str("ccos.echo")), want: "[]"},
		{name: "bad id type", rc: full, form: capCall(num(1)), wantErr: value.TypeError},
		{name: "pure rejects every call", rc: host.NewContext(host.Pure), form: capCall(kw("ccos.echo")), wantErr: value.SecurityViolation},
		{name: "controlled allows listed ids", rc: controlled, form: capCall(kw("ccos.echo"), num(1)), want: "[1]"},
		{name: "controlled rejects others", rc: controlled, form: capCall(kw("ccos.fail")), wantErr: value.SecurityViolation},
		{name: "unknown capability", rc: full, form: capCall(kw("ccos.nope")), wantErr: value.UnknownCapability},
		{name: "host failure is Generic", rc: full, form: capCall(kw("ccos.fail")), wantErr: value.Generic},
		{name: "host failure is catchable", rc: full, form: &ast.Try{At: at(1), Body: []ast.Node{capCall(kw("ccos.fail"))},
			Catches: []ast.Catch{{At: at(1), Kind: value.Generic, Binding: "e", Body: []ast.Node{call(kw("message"), sym("e"))}}}},
			want: `"disk on fire"`},
		{name: "security violation is catchable", rc: controlled, form: &ast.Try{At: at(1), Body: []ast.Node{capCall(kw("ccos.fail"))},
			Catches: []ast.Catch{{At: at(1), Kind: value.SecurityViolation, Body: []ast.Node{str("denied")}}}},
			want: `"denied"`},
		{name: "delegated function calls the model", rc: full, form: call(delegated, str("hi")), want: `"model says hi"`},
		{name: "delegation is checked", rc: controlled, form: call(delegated, str("hi")), wantErr: value.SecurityViolation},
		{name: "local delegation runs locally", rc: host.NewContext(host.Pure), form: call(local, str("hi")), want: `"ran locally"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := run(t, Options{Host: h, Context: c.rc}, c.form)
			checkOutcome(t, v, err, c.want, c.wantErr)
		})
	}
}

func TestCapabilityCallsSeeTheirStep(t *testing.T) {
	h := newTestHost()
	h.caps["ccos.echo"] = func(args []value.Value) (value.Value, error) { return value.Nil, nil }
	echo := capCall(kw("ccos.echo"))
	_, err := run(t, Options{Host: h, Context: host.NewContext(host.Full)},
		echo, step("outer", echo, step("inner", echo), echo), echo)
	checkOutcome(t, value.Nil, err, "nil", "")
	want := []string{"", "action-1", "action-2", "action-1", ""}
	if !reflect.DeepEqual(h.calledIn, want) {
		t.Errorf("capability calls ran in steps %q, want %q", h.calledIn, want)
	}
}

func TestMalformedStepsFailCleanly(t *testing.T) {
	cases := []*ast.Step{
		stepIf(num(1)),
		stepIf(num(1), num(2), num(3), num(4)),
		{At: at(1), Kind: ast.StepLoop, Name: "step-loop", Body: []ast.Node{num(1)}},
		{At: at(1), Kind: ast.StepKind(99), Name: "step-odd"},
		{At: at(1), Kind: ast.StepPlain, Name: "p", ParamKeys: []string{"k"}},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			_, err := run(t, Options{}, c)
			checkOutcome(t, value.Nil, err, "", value.InvalidArguments)
		})
	}
}
