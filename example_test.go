package rtfs_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rtfs-go/rtfs"
	"github.com/rtfs-go/rtfs/host/chain"
)

// Run a plan given as source text on the VM.
func ExampleCompile() {
	prog, err := rtfs.Compile("sum.rtfs", []byte(`
(defn sum-to [n acc] (if (= n 0) acc (sum-to (- n 1) (+ acc n))))
(sum-to 1000 0)`))
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := prog.Run(context.Background(), rtfs.Options{})
	fmt.Println(v, err)
	// Output: 500500 <nil>
}

// Syntax errors come back together, each with its line and a caret.
func ExampleCompile_errors() {
	_, err := rtfs.Compile("bad.rtfs", []byte("(+ 1 2))\n"))
	fmt.Println(err)
	// Output:
	// bad.rtfs:1:8: error[ParseError]: unexpected ')'
	//   1 | (+ 1 2))
	//     |        ^
}

// Compile once, ship the bytecode, load and run it elsewhere: Load
// verifies the module before anything runs.
func ExampleLoad() {
	prog, err := rtfs.Compile("greet.rtfs", []byte(`(str "hello, " (get {:who "world"} :who))`))
	if err != nil {
		panic(err)
	}
	data, err := prog.Bytecode()
	if err != nil {
		panic(err)
	}
	loaded, err := rtfs.Load(data)
	if err != nil {
		panic(err)
	}
	v, _ := loaded.Run(context.Background(), rtfs.Options{})
	fmt.Println(v)

	_, err = rtfs.Load(append(data[:len(data)-1:len(data)-1], data[len(data)-1]^1))
	fmt.Println(err)
	// Output:
	// "hello, world"
	// not a valid rtfs bytecode file: checksum mismatch: the file is truncated or corrupt
}

// A Go function becomes a capability the plan calls with (call ...). A
// controlled context lets the plan call exactly the ids it allows.
func ExampleCapability() {
	double := rtfs.Capability{
		ID:          "example.double",
		Description: "doubles an integer",
		Func: func(_ context.Context, args []rtfs.Value) (rtfs.Value, error) {
			n, ok := args[0].Go().(int64)
			if !ok {
				return rtfs.Value{}, errors.New("example.double wants an integer")
			}
			return rtfs.ValueOf(2 * n)
		},
	}
	prog, _ := rtfs.Compile("double.rtfs", []byte(`(step "double" (call :example.double 21))`))
	v, err := prog.Run(context.Background(), rtfs.Options{
		Context:      rtfs.Context{Level: rtfs.Controlled, Allow: []string{"example.double"}},
		Capabilities: []rtfs.Capability{double},
	})
	fmt.Println(v.Go(), err)
	// Output: 42 <nil>
}

// A plan that reaches a capability its run does not allow is refused
// before it starts, with what it lacks; with NoPreflight each call is
// refused instead, a SecurityViolation the plan can catch. In Go both are
// an *rtfs.Error with its kind.
func ExampleError_securityViolation() {
	prog, _ := rtfs.Compile("peek.rtfs", []byte(`
(def caught (try (call :ccos.io.read-file {:path "/etc/passwd"})
                 (catch SecurityViolation e :refused)))
caught`))
	_, err := prog.Run(context.Background(), rtfs.Options{})
	var rerr *rtfs.Error
	if errors.As(err, &rerr) {
		fmt.Println(rerr.Kind, strings.Contains(rerr.Message, "it would need: --context controlled --allow ccos.io.read-file --fs-read DIR"))
	}
	v, err := prog.Run(context.Background(), rtfs.Options{NoPreflight: true})
	fmt.Println(v, err)
	// Output:
	// SecurityViolation true
	// :refused <nil>
}

// Every run can write a causal chain: one hash-linked JSON record per
// action. chain.Check verifies it; the records say what happened.
func ExampleOptions_chain() {
	var log bytes.Buffer
	prog, _ := rtfs.Compile("plan.rtfs", []byte(`(step "answer" (call :ccos.echo 42))`))
	_, err := prog.Run(context.Background(), rtfs.Options{
		Context: rtfs.Context{Level: rtfs.Full},
		Chain:   chain.NewWriter(&log),
	})
	if err != nil {
		panic(err)
	}
	summary, err := chain.Check(bytes.NewReader(log.Bytes()))
	fmt.Println(summary.Records, summary.LastType, err)
	lines := bufio.NewScanner(&log)
	for lines.Scan() {
		var r chain.Record
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			panic(err)
		}
		fmt.Println(strings.Join(strings.Fields(fmt.Sprint(r.Type, " ", r.Step, " ", r.Capability, " ", r.Result)), " "))
	}
	// Output:
	// 8 PlanCompleted <nil>
	// PlanStarted
	// StepProfileDerived answer
	// StepProfileDerived
	// PlanStepStarted answer
	// CapabilityCallStarted answer ccos.echo
	// CapabilityCall answer ccos.echo 42
	// PlanStepCompleted answer 42
	// PlanCompleted 42
}

// Values convert to and from plain Go values.
func ExampleValueOf() {
	v, err := rtfs.ValueOf(map[string]any{"n": 3, "tags": []string{"a", "b"}})
	fmt.Println(v, err)
	fmt.Println(v.Go())
	// Output:
	// {"n" 3 "tags" ["a" "b"]} <nil>
	// map[n:3 tags:[a b]]
}
