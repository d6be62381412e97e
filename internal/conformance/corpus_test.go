package conformance

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

const corpusDir = "../../testdata/conformance"

// builtinNames are the functions of §5 (with the Rec additions of A21, A22
// and A34). The corpus must call each of them at least once.
var builtinNames = []string{
	// arithmetic
	"+", "-", "*", "/", "mod", "inc", "dec", "max", "min", "abs", "sqrt", "pow",
	"factorial", "even?", "odd?", "parse-int", "parse-float", "int", "float",
	"zero?", "pos?", "neg?",
	// comparison and logic
	"=", "not=", "!=", "<", ">", "<=", ">=", "and", "or", "not",
	// strings
	"str", "string-length", "length", "substring", "string-contains",
	"starts-with?", "split", "join", "string-join", "string-upper",
	"string-lower", "string-trim", "re-matches", "re-find", "re-seq",
	// collections
	"vector", "hash-map", "list", "count", "empty?", "first", "rest", "last",
	"nth", "get", "get-in", "assoc", "dissoc", "update", "merge", "keys",
	"vals", "find", "contains?", "conj", "cons", "concat", "range", "numbers",
	"take", "drop", "subvec", "reverse", "distinct", "sort", "partition",
	// higher-order
	"map", "filter", "remove", "reduce", "apply", "map-indexed", "group-by",
	"every?", "some?", "sort-by", "frequencies",
	// type predicates
	"nil?", "bool?", "int?", "float?", "number?", "string?", "string-p",
	"keyword?", "symbol?", "vector?", "list?", "map?", "fn?", "type-name",
	// JSON
	"parse-json", "serialize-json", "serialize-json-pretty", "tool/parse-json",
	"tool/serialize-json", "tool/serialize-json-pretty",
	// misc
	"call", "context/get", "context/set", "getMessage", "Exception.",
	"process-data", "deftype", "println",
}

// unreachableKinds cannot be produced by a program run the corpus way (pure
// runtime context, recording host): a pure context refuses every capability
// before the host could report UnknownCapability, and the port implements
// the pattern kinds for which the reference raised NotImplemented. Host and
// engine unit tests cover them.
var unreachableKinds = map[value.ErrorKind]bool{
	value.UnknownCapability: true,
	value.NotImplemented:    true,
}

var corpusFileName = regexp.MustCompile(`^\d\d-[a-z0-9-]+\.rtfs$`)

// atomDelimiters end an atom (§1, A2): whitespace, commas, brackets, quotes
// and comment starts.
const atomDelimiters = " \t\r\n,()[]{}\";"

func TestCorpusIsWellFormed(t *testing.T) {
	cases, err := Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 350 {
		t.Errorf("corpus has %d cases, want at least 350", len(cases))
	}

	perFile := map[string]int{}
	kinds := map[string]bool{}
	atoms := map[string]bool{}
	for _, c := range cases {
		perFile[filepath.Base(c.File)]++
		kinds[c.WantErr] = true
		for _, atom := range strings.FieldsFunc(c.Source, func(r rune) bool {
			return strings.ContainsRune(atomDelimiters, r)
		}) {
			atoms[atom] = true
		}
	}
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.rtfs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		name := filepath.Base(p)
		if !corpusFileName.MatchString(name) {
			t.Errorf("corpus file %s is not named NN-topic.rtfs", name)
		}
		if perFile[name] == 0 {
			t.Errorf("corpus file %s has no cases", name)
		}
	}

	for _, k := range append(parseKinds, value.RuntimeKinds...) {
		if !unreachableKinds[k] && !kinds[string(k)] {
			t.Errorf("no case expects error kind %s", k)
		}
	}
	for _, name := range builtinNames {
		if !atoms[name] {
			t.Errorf("no case uses builtin %s", name)
		}
	}
}

func TestCorpusCaseNamesAreUnique(t *testing.T) {
	cases, err := Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]Case{}
	for _, c := range cases {
		if prev, ok := seen[c.TestName()]; ok {
			t.Errorf("%s:%d: case name %q already used at line %d", c.File, c.Line, c.Name, prev.Line)
		}
		seen[c.TestName()] = c
	}
}
