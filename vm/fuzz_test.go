package vm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler/codegen"
	"github.com/rtfs-go/rtfs/isa"
	"github.com/rtfs-go/rtfs/stdlib"
	"github.com/rtfs-go/rtfs/value"
	"github.com/rtfs-go/rtfs/vm"
)

// fuzzPrograms are compiled to the modules FuzzRun mutates: together they
// use most opcodes.
var fuzzPrograms = []string{
	`(defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 10)`,
	`(let [[a & r] [1 2 3] {:keys [b]} {:b 4}] (for [x r] (* a b x)))`,
	`(try (map (fn [x] (/ 10 x)) [1 0]) (catch DivisionByZero e (:message e)) (finally 1))`,
	`(step "s" (step-if 1 (step-loop false 2) 3) (step-parallel 4 5))`,
	`(defn f [& xs :int] :int (count xs)) (match (f 1 2) 2 :two _ :other)`,
	`(let [ev? (fn [n] (if (= n 0) true (od? (- n 1)))) od? (fn [n] (if (= n 0) false (ev? (- n 1))))] (ev? 7))`,
	`(defstruct P :x :int) (dotimes [i 3] (P {:x i})) (str @user (get nope) (:a {:a 1}))`,
}

// FuzzRun replaces one instruction of a compiled module with an arbitrary
// word. Whatever passes verification must run to a value or an RTFS
// error, on the VM and in WASM: never a crash, never a hang.
func FuzzRun(f *testing.F) {
	var modules []*isa.Module
	for _, src := range fuzzPrograms {
		prog, err := parse("fuzz.rtfs", src)
		if err != nil {
			f.Fatal(err)
		}
		m, err := codegen.Compile(prog)
		if err != nil {
			f.Fatal(err)
		}
		modules = append(modules, m)
	}
	f.Add(uint8(0), uint8(1), uint16(3), uint64(isa.ABC(isa.OpAdd, 0, 0, 0)))
	f.Add(uint8(2), uint8(0), uint16(0), uint64(isa.ABC(isa.OpThrow, 0, 0, 0)))
	f.Add(uint8(3), uint8(0), uint16(2), uint64(isa.ABJ(isa.OpJmp, 0, 0, -1)))
	f.Add(uint8(5), uint8(1), uint16(0), uint64(isa.ABC(isa.OpGetCell, 0, 0, 0)))
	f.Fuzz(func(t *testing.T, module, proto uint8, pc uint16, word uint64) {
		m := mutate(modules[int(module)%len(modules)], int(proto), int(pc), isa.Instr(word))
		if isa.Verify(m, stdlib.Has) != nil {
			return
		}
		for _, wasm := range []bool{false, true} {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			_, err := vm.Run(ctx, m, vm.Options{MaxDepth: 200, Stdout: &strings.Builder{}, WASM: vm.WASMOptions{All: wasm}})
			cancel()
			if e, ok := err.(*value.Error); err != nil && (!ok || strings.Contains(e.Message, "internal panic")) {
				t.Fatalf("wasm %t: %v", wasm, err)
			}
		}
	})
}

// mutate returns a copy of m whose instruction pc of Protos[proto] (both
// taken modulo the sizes) is word; the other functions are shared.
func mutate(m *isa.Module, proto, pc int, word isa.Instr) *isa.Module {
	c := *m
	c.Protos = append([]*isa.Proto(nil), m.Protos...)
	p := *c.Protos[proto%len(c.Protos)]
	p.Code = append([]isa.Instr(nil), p.Code...)
	p.Code[pc%len(p.Code)] = word
	c.Protos[proto%len(c.Protos)] = &p
	return &c
}
