package effects

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/compiler/ast"
	"github.com/rtfs-go/rtfs/compiler/parse"
	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/host/caps"
)

// builtinEffects is the declared effects of the built-in capabilities.
func builtinEffects(t testing.TB) func(string) ([]host.Effect, bool) {
	t.Helper()
	reg, err := caps.BuiltinRegistry()
	if err != nil {
		t.Fatal(err)
	}
	return reg.Effects
}

func mustParse(t testing.TB, src string) *ast.Program {
	t.Helper()
	prog, errs := parse.Source("test.rtfs", []byte(src))
	if len(errs) > 0 {
		t.Fatalf("parse %q: %v", src, errs)
	}
	return prog
}

// outline is the part of a profile the derivation decides from effects:
// isolation, effects, determinism and the two access policies.
func outline(p *host.StepProfile) string {
	det := "nondet"
	if p.Deterministic {
		det = "det"
	}
	return fmt.Sprintf("%s %s %s net=%s fs=%s", p.IsolationLevel, host.EffectsText(p), det, host.NetworkText(p.NetworkPolicy), host.FSText(p.FSPolicy))
}

// The capability calls the tests use, by effect.
const (
	readFile  = `(call :ccos.io.read-file {:path "/data/in.txt"})`
	writeFile = `(call :ccos.io.write-file {:path "/out/x.txt" :content "x"})`
	fetch     = `(call :ccos.network.http-fetch {:url "https://api.example.com/"})`
	execute   = `(call :ccos.system.execute {:cmd ["ls"]})`
)

func TestDerive(t *testing.T) {
	const (
		pure      = "inherit - det net=denied fs=none"
		sandboxed = "sandboxed unresolved nondet net=denied fs=none"
		reads     = "isolated fs-read nondet net=denied fs=read-only read=/data"
		network   = "isolated network nondet net=allow-list api.example.com fs=none"
		clock     = "inherit clock nondet net=denied fs=none"
	)
	dirs := func(o *options) { o.FSRead = []string{"/data"} }
	hosts := func(o *options) { o.NetAllow = []string{"api.example.com"} }
	tests := []struct {
		name string
		src  string
		opts func(*options) // nil: the built-in registry and no grants
		want []string       // outline of each step, by index
	}{
		{name: "pure step", src: `(step "s" (+ 1 2))`, want: []string{pure}},
		{name: "empty step", src: `(step "s")`, want: []string{pure}},
		{name: "capability without effects", src: `(step "s" (call :ccos.math.add 1 2) (call "ccos.io.log" "hi"))`, want: []string{pure}},
		{name: "file read", src: `(step "s" ` + readFile + `)`, opts: dirs, want: []string{reads}},
		{name: "file read without --fs-read", src: `(step "s" ` + readFile + `)`,
			want: []string{"isolated fs-read nondet net=denied fs=none"}},
		{name: "file write with --fs-write", src: `(step "s" ` + writeFile + `)`,
			opts: func(o *options) { o.FSRead, o.FSWrite = []string{"/data"}, []string{"/out"} },
			want: []string{"isolated fs-write nondet net=denied fs=read-write read=/data,/out write=/out"}},
		{name: "file write without --fs-write is read-only", src: `(step "s" ` + writeFile + `)`, opts: dirs,
			want: []string{"isolated fs-write nondet net=denied fs=read-only read=/data"}},
		{name: "--fs-write dirs are readable", src: `(step "s" ` + readFile + `)`,
			opts: func(o *options) { o.FSWrite = []string{"/out", "", "/out"} },
			want: []string{"isolated fs-read nondet net=denied fs=read-only read=/out"}},
		{name: "network with --net-allow", src: `(step "s" ` + fetch + `)`, opts: hosts, want: []string{network}},
		{name: "network hosts are sorted and deduplicated", src: `(step "s" ` + fetch + `)`,
			opts: func(o *options) { o.NetAllow = []string{"b.example.com", " *.a.example.com", "b.example.com"} },
			want: []string{"isolated network nondet net=allow-list *.a.example.com,b.example.com fs=none"}},
		{name: "network without --net-allow", src: `(step "s" ` + fetch + `)`,
			want: []string{"isolated network nondet net=denied fs=none"}},
		{name: "exec", src: `(step "s" ` + execute + `)`, want: []string{"sandboxed exec nondet net=denied fs=none"}},
		{name: "computed id", src: `(def x "io.read-file") (step "s" (call (str "ccos." x) {:path "/data/a"}))`,
			want: []string{sandboxed}},
		{name: "id in a variable", src: `(def id :ccos.math.add) (step "s" (call id 1 2))`, want: []string{sandboxed}},
		{name: "id of the wrong type", src: `(step "s" (call 42))`, want: []string{sandboxed}},
		{name: "unknown id", src: `(step "s" (call :ccos.nowhere.thing))`, want: []string{sandboxed}},
		{name: "llm-execute of the built-in echo model is pure", src: `(step "s" (llm-execute "echo-model" "hi"))`, want: []string{"inherit - det net=denied fs=none"}},
		{name: "llm-execute declared by the registry", src: `(step "s" (llm-execute "m" "hi"))`,
			opts: func(o *options) {
				o.Effects = func(id string) ([]host.Effect, bool) {
					return []host.Effect{host.EffectNetwork}, id == "ccos.ai.llm-execute"
				}
			},
			want: []string{"isolated network nondet net=denied fs=none"}},
		{name: "no registry: every call is unresolved", src: `(step "s" (call :ccos.math.add 1 2))`,
			opts: func(o *options) { o.Effects = nil }, want: []string{sandboxed}},
		{name: "ids are never classified by their spelling", src: `(step "s" (call :http.data.process "http://x/data"))`,
			opts: func(o *options) {
				o.Effects = func(id string) ([]host.Effect, bool) { return nil, id == "http.data.process" }
			},
			want: []string{pure}},
		{name: "mixed effects", src: `(step "s" ` + readFile + fetch + `(call :ccos.system.get-env "HOME"))`,
			opts: func(o *options) { dirs(o); hosts(o) },
			want: []string{"isolated env,fs-read,network nondet net=allow-list api.example.com fs=read-only read=/data"}},
		{name: "exec and unresolved together", src: `(step "s" ` + execute + ` (call :nope))`,
			want: []string{"sandboxed exec,unresolved nondet net=denied fs=none"}},
		{name: "clock", src: `(step "s" (call :ccos.time.now))`, want: []string{clock}},
		{name: "random", src: `(step "s" (call :ccos.random.int 1 6))`, want: []string{"inherit random nondet net=denied fs=none"}},
		{name: "env", src: `(step "s" (call :ccos.system.get-env "HOME"))`, want: []string{"inherit env nondet net=denied fs=none"}},
		{name: "effect unknown to this package", src: `(step "s" (call :x.gpu))`,
			opts: func(o *options) { o.Effects = func(string) ([]host.Effect, bool) { return []host.Effect{"gpu"}, true } },
			want: []string{"sandboxed gpu nondet net=denied fs=none"}},

		// What a step reaches.
		{name: "through nested functions", opts: dirs,
			src:  `(defn g [p] ` + readFile + `) (defn f [p] (g p)) (step "s" (f "x"))`,
			want: []string{reads}},
		{name: "functions defined after the step", opts: dirs,
			src:  `(defn f [] (g)) (step "s" (f)) (defn g [] ` + readFile + `)`,
			want: []string{reads}},
		{name: "every definition of a redefined global", opts: dirs,
			src:  `(defn f [] 1) (step "s" (f)) (defn f [] ` + readFile + `)`,
			want: []string{reads}},
		{name: "through a function passed to map", opts: dirs,
			src:  `(defn load [p] ` + readFile + `) (step "s" (map load ["a" "b"]))`,
			want: []string{reads}},
		{name: "through a let-bound fn", opts: dirs,
			src:  `(let [load (fn [p] ` + readFile + `)] (step "s" (load "a")))`,
			want: []string{reads}},
		{name: "through a letrec fn", opts: dirs,
			src:  `(let [a (fn [] (b)) b (fn [] ` + readFile + `)] (step "s" (a)))`,
			want: []string{reads}},
		{name: "through a global map of handlers", opts: hosts,
			src:  `(def handlers {:fetch (fn [u] ` + fetch + `) :pure (fn [x] x)}) (step "s" ((:fetch handlers) "u"))`,
			want: []string{network}},
		{name: "through a function another one returns", opts: hosts,
			src:  `(defn make [] (fn [] ` + fetch + `)) (def h (make)) (step "s" (h))`,
			want: []string{network}},
		{name: "through a fn literal given as an argument",
			src:  `(defn run [h] (h)) (step "s" (run (fn [] (call :ccos.time.now))))`,
			want: []string{clock}},
		{name: "through a local defn", opts: dirs,
			src:  `(step "s" (defn load [] ` + readFile + `) (load))`,
			want: []string{reads}},
		{name: "through a def that reassigns a parameter", opts: dirs,
			src:  `(defn run [f] (def f (fn [] ` + readFile + `)) (f)) (step "s" (run 1))`,
			want: []string{reads}},
		{name: "through a def in a let body", opts: dirs,
			src:  `(let [x 1] (def load (fn [] ` + readFile + `)) (step "s" (load)))`,
			want: []string{reads}},
		{name: "unresolved through nested functions",
			src:  `(defn h [] (call :nope)) (defn g [] (h)) (defn f [] (g)) (step "s" (f))`,
			want: []string{sandboxed}},
		{name: "through %params", opts: dirs,
			src:  `(defn load [p] ` + readFile + `) (step "s" :params {"f" load} ((get %params "f") "a"))`,
			want: []string{reads}},
		{name: "through a destructured binding", opts: dirs,
			src:  `(let [[load _] [(fn [] ` + readFile + `) 1]] (step "s" (load)))`,
			want: []string{reads}},
		{name: "mutual recursion", src: `
			(defn ping [n] (if (= n 0) (call :ccos.time.now) (pong (- n 1))))
			(defn pong [n] (ping n))
			(step "s" (pong 3))`,
			want: []string{clock}},
		{name: "a delegated function is a host call", src: `(defn ^:delegation :remote "agent-1" ask [q] q) (step "s" (ask "why"))`,
			want: []string{sandboxed}},
		{name: "a locally delegated function runs here", src: `(defn ^:delegation :local ask [q] q) (step "s" (ask "why"))`,
			want: []string{pure}},
		{name: "through the host context",
			src:  `(context/set "h" (fn [] ` + execute + `)) (step "s" ((context/get "h"))) (step "t" (@h)) (step "u" (h))`,
			want: []string{"sandboxed exec nondet net=denied fs=none", "sandboxed exec nondet net=denied fs=none", "sandboxed exec nondet net=denied fs=none"}},
		{name: "context/set used as a value makes host-context reads unresolved",
			src:  `(def store context/set) (step "s" (@h)) (step "t" (+ 1 2))`,
			want: []string{sandboxed, pure}},

		// What a step does not reach.
		{name: "a value computed outside the step", opts: dirs,
			src:  `(def data ` + readFile + `) (step "s" (count data))`,
			want: []string{pure}},
		{name: "a function never mentioned", opts: dirs,
			src:  `(defn load [] ` + readFile + `) (step "s" (+ 1 2)) (load)`,
			want: []string{pure}},
		{name: "a called parameter reaches nothing by itself",
			src:  `(defn run [h] (h 1)) (step "s" (run inc))`,
			want: []string{pure}},
		{name: "a parameter shadows a global", opts: dirs,
			src:  `(defn load [p] ` + readFile + `) (defn run [load] (load 1)) (step "s" (run inc))`,
			want: []string{pure}},
		{name: "every binder shadows a global", opts: dirs,
			src: `(defn load [p] ` + readFile + `)
				(step "let" (let [load inc] (load 1)))
				(step "destructuring" (let [{:keys [load]} {:load inc}] (load 1)))
				(step "param" ((fn [load] (load 1)) inc))
				(step "rest" ((fn [& load] (load)) 1))
				(step "match" (match inc load (load 1)))
				(step "for" (for [load [inc]] (load 1)))
				(step "dotimes" (dotimes [load 2] (load 1)))
				(step "catch" (try 1 (catch load (load 1))))`,
			want: []string{pure, pure, pure, pure, pure, pure, pure, pure}},
		{name: ":params are evaluated before the step", opts: dirs,
			src:  `(step "s" :params {"d" ` + readFile + `} (count %params))`,
			want: []string{pure}},
		{name: "effects outside any step", src: `(call :ccos.system.execute {:cmd ["ls"]}) (step "s" 1)`,
			want: []string{pure}},

		// Step forms.
		{name: "a nested step", opts: hosts,
			src:  `(step "outer" (call :ccos.time.now) (step "inner" ` + fetch + `))`,
			want: []string{"isolated clock,network nondet net=allow-list api.example.com fs=none", network}},
		{name: "a step inside a function the step calls", opts: hosts,
			src:  `(defn f [] (step "inner" ` + fetch + `)) (step "outer" (f))`,
			want: []string{network, network}},
		{name: "a step-parallel", opts: func(o *options) { dirs(o); hosts(o) },
			src:  `(step-parallel ` + readFile + ` ` + fetch + `)`,
			want: []string{"isolated fs-read,network nondet net=allow-list api.example.com fs=read-only read=/data"}},
		{name: "step-if and step-loop", src: `(step-if true (call :ccos.time.now) (call :ccos.random.int 1 2)) (step-loop false (call :nope))`,
			want: []string{"inherit clock,random nondet net=denied fs=none", sandboxed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := options{Effects: builtinEffects(t)}
			if tt.opts != nil {
				tt.opts(&opts)
			}
			profiles := derive(mustParse(t, tt.src), opts)
			if len(profiles) != len(tt.want) {
				t.Fatalf("got %d profiles, want %d", len(profiles), len(tt.want))
			}
			for i, p := range profiles {
				if got := outline(p); got != tt.want[i] {
					t.Errorf("step %d (%s):\n got %s\nwant %s", i, p.StepName, got, tt.want[i])
				}
			}
		})
	}
}

func TestFlagsAndLimitsByLevel(t *testing.T) {
	tests := []struct {
		src    string
		limits host.ResourceLimits
		flags  host.SecurityFlags
	}{
		{src: `(step "s" 1)`},
		{src: `(step "s" ` + fetch + `)`,
			limits: host.ResourceLimits{MaxExecutionTimeMS: 30_000, MaxMemoryBytes: 512 << 20, MaxIOOperations: 10_000},
			flags:  host.SecurityFlags{EnableNetworkACL: true}},
		{src: `(step "s" ` + readFile + writeFile + `)`,
			limits: host.ResourceLimits{MaxExecutionTimeMS: 30_000, MaxMemoryBytes: 512 << 20, MaxIOOperations: 10_000},
			flags:  host.SecurityFlags{EnableFSACL: true}},
		{src: `(step "s" ` + execute + `)`,
			limits: host.ResourceLimits{MaxExecutionTimeMS: 10_000, MaxMemoryBytes: 128 << 20, MaxIOOperations: 1_000, MaxCPUUsage: 1},
			flags: host.SecurityFlags{EnableSyscallFilter: true, EnableNetworkACL: true, EnableFSACL: true,
				EnableMemoryProtection: true, EnableCPUMonitoring: true, LogSyscalls: true, ReadOnlyFS: true}},
	}
	for _, tt := range tests {
		p := derive(mustParse(t, tt.src), options{Effects: builtinEffects(t)})[0]
		if p.ResourceLimits != tt.limits {
			t.Errorf("%s: limits %+v, want %+v", tt.src, p.ResourceLimits, tt.limits)
		}
		if p.SecurityFlags != tt.flags {
			t.Errorf("%s: flags %+v, want %+v", tt.src, p.SecurityFlags, tt.flags)
		}
	}
}

func TestContextAdjustment(t *testing.T) {
	src := `(step "pure" 1) (step "net" ` + fetch + `) (step "exec" ` + execute + `)`
	tests := []struct {
		name   string
		denied []host.Isolation
		want   []host.Isolation
	}{
		{name: "everything allowed", want: []host.Isolation{host.Inherit, host.Isolated, host.Sandboxed}},
		{name: "isolated denied", denied: []host.Isolation{host.Isolated},
			want: []host.Isolation{host.Inherit, host.Sandboxed, host.Sandboxed}},
		{name: "inherit denied", denied: []host.Isolation{host.Inherit},
			want: []host.Isolation{host.Isolated, host.Isolated, host.Sandboxed}},
		{name: "inherit and isolated denied", denied: []host.Isolation{host.Inherit, host.Isolated},
			want: []host.Isolation{host.Sandboxed, host.Sandboxed, host.Sandboxed}},
		{name: "sandboxed denied: refused at run time", denied: []host.Isolation{host.Sandboxed},
			want: []host.Isolation{host.Inherit, host.Isolated, host.Sandboxed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := host.NewContext(host.Full)
			rc.DeniedIsolation = map[host.Isolation]bool{}
			for _, l := range tt.denied {
				rc.DeniedIsolation[l] = true
			}
			for i, p := range derive(mustParse(t, src), options{Effects: builtinEffects(t), Context: rc}) {
				if p.IsolationLevel != tt.want[i] {
					t.Errorf("%s: isolation %s, want %s", p.StepName, p.IsolationLevel, tt.want[i])
				}
			}
		})
	}

	// A level moved up brings that level's limits and flags with it.
	rc := &host.RuntimeContext{DeniedIsolation: map[host.Isolation]bool{host.Isolated: true}}
	p := derive(mustParse(t, src), options{Effects: builtinEffects(t), Context: rc})[1]
	if p.ResourceLimits.MaxExecutionTimeMS != 10_000 || !p.SecurityFlags.EnableSyscallFilter || !p.SecurityFlags.EnableNetworkACL {
		t.Errorf("isolated step moved to sandboxed: limits %+v, flags %+v", p.ResourceLimits, p.SecurityFlags)
	}
}

func TestClamping(t *testing.T) {
	src := `(step "pure" 1) (step "net" ` + fetch + `) (step "exec" ` + execute + `)`
	type limits struct{ ms, mem int64 }
	tests := []struct {
		name    string
		timeout time.Duration
		memory  int64
		want    []limits
	}{
		{name: "no ceiling", want: []limits{{0, 0}, {30_000, 512 << 20}, {10_000, 128 << 20}}},
		{name: "tight ceilings", timeout: 5 * time.Second, memory: 64 << 20,
			want: []limits{{5_000, 64 << 20}, {5_000, 64 << 20}, {5_000, 64 << 20}}},
		{name: "loose ceilings bound only unlimited steps", timeout: time.Hour, memory: 1 << 30,
			want: []limits{{3_600_000, 1 << 30}, {30_000, 512 << 20}, {10_000, 128 << 20}}},
		{name: "between the levels", timeout: 20 * time.Second, memory: 256 << 20,
			want: []limits{{20_000, 256 << 20}, {20_000, 256 << 20}, {10_000, 128 << 20}}},
		{name: "below a millisecond rounds up", timeout: 10 * time.Microsecond,
			want: []limits{{1, 0}, {1, 512 << 20}, {1, 128 << 20}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := options{Effects: builtinEffects(t), MaxExecutionTime: tt.timeout, MaxMemoryBytes: tt.memory}
			for i, p := range derive(mustParse(t, src), opts) {
				got := limits{p.ResourceLimits.MaxExecutionTimeMS, p.ResourceLimits.MaxMemoryBytes}
				if got != tt.want[i] {
					t.Errorf("%s: limits %v, want %v", p.StepName, got, tt.want[i])
				}
			}
		})
	}
}

func TestNamesIndicesAndIDs(t *testing.T) {
	src := `
		(step "first" (step "nested" 1))
		(step-if true 1)
		(step-loop false 1)
		(step-parallel 1 2)
		(step "first" (call :ccos.time.now))`
	opts := options{Effects: builtinEffects(t)}
	profiles := derive(mustParse(t, src), opts)
	names := []string{"first", "nested", "step-if", "step-loop", "step-parallel", "first"}
	if len(profiles) != len(names) {
		t.Fatalf("got %d profiles, want %d", len(profiles), len(names))
	}
	format := regexp.MustCompile(`^step-(\d+)-[0-9a-f]{8}$`)
	seen := map[string]bool{}
	for i, p := range profiles {
		if p.StepName != names[i] {
			t.Errorf("step %d is named %q, want %q", i, p.StepName, names[i])
		}
		m := format.FindStringSubmatch(p.ProfileID)
		if m == nil || m[1] != fmt.Sprint(i) {
			t.Errorf("step %d has profile id %q", i, p.ProfileID)
		}
		if seen[p.ProfileID] {
			t.Errorf("profile id %q repeats", p.ProfileID)
		}
		seen[p.ProfileID] = true
	}
	again := derive(mustParse(t, src), opts)
	for i := range profiles {
		if again[i].ProfileID != profiles[i].ProfileID {
			t.Errorf("step %d: profile id %q, then %q", i, profiles[i].ProfileID, again[i].ProfileID)
		}
	}
	if profiles[0].ProfileID[len("step-0-"):] == profiles[5].ProfileID[len("step-5-"):] {
		t.Errorf("steps with the same name and different effects share a hash: %s %s", profiles[0].ProfileID, profiles[5].ProfileID)
	}
}

func TestMalformedPrograms(t *testing.T) {
	// A step inside a malformed def is built, numbered and then discarded
	// with the def: its slot gets a sandboxed profile.
	prog, errs := parse.Source("bad.rtfs", []byte(`(def 1 (step "lost" 1)) (step "kept" 1)`))
	if len(errs) == 0 {
		t.Fatal("the program parsed without errors")
	}
	profiles := derive(prog, options{Effects: builtinEffects(t)})
	var got []string
	for _, p := range profiles {
		got = append(got, fmt.Sprintf("%q %s", p.StepName, p.IsolationLevel))
	}
	if want := []string{`"" sandboxed`, `"kept" inherit`}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}

	// Hand-made trees: nothing at all, holes, a step without an index.
	for _, prog := range []*ast.Program{
		nil,
		{},
		{Forms: []ast.Node{nil, &ast.If{}, &ast.Let{Bindings: []ast.Binding{{}}}, &ast.Match{Clauses: []ast.MatchClause{{}}}}},
		{Forms: []ast.Node{&ast.Step{Index: -1, Body: []ast.Node{&ast.CallCap{}}}, &ast.Fn{Params: []ast.Param{{}}, Rest: &ast.RestParam{}}}},
	} {
		if got := derive(prog, options{}); len(got) != 0 {
			t.Errorf("%v: got %d profiles, want none", prog, len(got))
		}
	}
}

// FuzzDerive checks that any program the front end builds, valid or not,
// gets a profile for each of its steps without a panic.
func FuzzDerive(f *testing.F) {
	for _, src := range []string{
		`(step "s" ` + readFile + `)`,
		`(defn f [x] (f x)) (step-parallel (f 1) (step "n" (call (str "a" "b"))))`,
		`(let [a (fn [] (b)) b (fn [] (a))] (step-if (a) 1 2))`,
		`(def 1 (step "lost")) (step "kept" :params {"h" (fn [] 1)} (%params))`,
		`(match x [a b] (step "m" (a b)) _ (context/set "k" (fn [] 1)))`,
	} {
		f.Add(src)
	}
	effects := builtinEffects(f)
	f.Fuzz(func(t *testing.T, src string) {
		prog, _ := parse.Source("fuzz.rtfs", []byte(src))
		profiles := derive(prog, options{Effects: effects})
		for i, p := range profiles {
			if p == nil {
				t.Fatalf("step %d has no profile", i)
			}
		}
	})
}

func TestTopLevelReach(t *testing.T) {
	prog := mustParse(t, `(defn log [] (call :ccos.io.log "x"))
(call :ccos.time.now)
(log)
(step "fetch" `+fetch+`)`)
	a := Analyze(prog)
	top := host.ResolveReach(a.TopLevel, builtinEffects(t))
	if got, want := top.Capabilities, []string{"ccos.io.log", "ccos.time.now"}; !slices.Equal(got, want) {
		t.Errorf("top-level capabilities = %q, want %q (a step called from the top level runs under its own profile)", got, want)
	}
	if !slices.Equal(top.Effects, []host.Effect{host.EffectClock}) || top.Unresolved {
		t.Errorf("top-level reach = %+v", top)
	}
	if got := a.Steps[0].Capabilities; !slices.Equal(got, []string{"ccos.network.http-fetch"}) {
		t.Errorf("step capabilities = %q", got)
	}
}

// options are a test's derivation inputs: the registry's declarations and
// the run's grants.
type options struct {
	Effects          func(string) ([]host.Effect, bool)
	NetAllow         []string
	FSRead, FSWrite  []string
	Context          *host.RuntimeContext
	MaxExecutionTime time.Duration
	MaxMemoryBytes   int64
}

func derive(prog *ast.Program, o options) []*host.StepProfile {
	return Derive(prog, o.Effects, host.Grants{Context: o.Context, NetAllow: o.NetAllow, FSRead: o.FSRead, FSWrite: o.FSWrite,
		MaxExecutionTime: o.MaxExecutionTime, MaxMemoryBytes: o.MaxMemoryBytes})
}
