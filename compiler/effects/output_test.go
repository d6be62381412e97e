package effects

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/host"
)

const outputPlan = `
(step "compute" (+ 1 2))
(step "fetch data" ` + fetch + readFile + `)
(step "save" ` + writeFile + ` (call :ccos.time.now))
(step-parallel ` + execute + `)
(step "dynamic" (call (str "ccos." "x")))`

func outputProfiles(t *testing.T) []*host.StepProfile {
	return derive(mustParse(t, outputPlan), options{
		Effects:          builtinEffects(t),
		NetAllow:         []string{"api.example.com", "*.cdn.example.com"},
		FSRead:           []string{"/data"},
		FSWrite:          []string{"/out"},
		MaxExecutionTime: 20 * time.Second,
	})
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	if err := host.WriteTable(&b, outputProfiles(t)); err != nil {
		t.Fatal(err)
	}
	want := `#  STEP             ISOLATION  NETWORK                                       FS                                     DETERMINISTIC  LIMITS                             FLAGS               EFFECTS
0  "compute"        inherit    denied                                        none                                   yes            time=20s                           -                   -
1  "fetch data"     isolated   allow-list *.cdn.example.com,api.example.com  read-only read=/data,/out              no             time=20s,mem=512MiB,io=10000       network_acl,fs_acl  fs-read,network
2  "save"           isolated   denied                                        read-write read=/data,/out write=/out  no             time=20s,mem=512MiB,io=10000       fs_acl              clock,fs-write
3  "step-parallel"  sandboxed  denied                                        none                                   no             time=10s,mem=128MiB,cpu=1,io=1000  all                 exec
4  "dynamic"        sandboxed  denied                                        none                                   no             time=10s,mem=128MiB,cpu=1,io=1000  all                 unresolved
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteTableOfNothing(t *testing.T) {
	var b bytes.Buffer
	if err := host.WriteTable(&b, nil); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); !strings.HasPrefix(got, "#  STEP") || strings.Count(got, "\n") != 1 {
		t.Errorf("got %q, want the header alone", got)
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := host.WriteJSON(&b, outputProfiles(t)[1:2]); err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "profile_id": "step-1-df899a42",
    "step_name": "fetch data",
    "isolation_level": "isolated",
    "network_policy": {
      "mode": "allow-list",
      "hosts": [
        "*.cdn.example.com",
        "api.example.com"
      ]
    },
    "fs_policy": {
      "mode": "read-only",
      "read": [
        "/data",
        "/out"
      ]
    },
    "deterministic": false,
    "resource_limits": {
      "max_execution_time_ms": 20000,
      "max_memory_bytes": 536870912,
      "max_cpu_usage": 0,
      "max_io_operations": 10000,
      "max_network_bandwidth": 0
    },
    "security_flags": {
      "enable_syscall_filter": false,
      "enable_network_acl": true,
      "enable_fs_acl": true,
      "enable_memory_protection": false,
      "enable_cpu_monitoring": false,
      "log_syscalls": false,
      "read_only_fs": false
    }
  }
]
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestJSONFieldNames checks the profile objects, and the objects nested in
// them, against the CCOS field names. Optional fields (hosts, read, write)
// are checked over all the profiles, which between them set every one.
func TestJSONFieldNames(t *testing.T) {
	var b bytes.Buffer
	if err := host.WriteJSON(&b, outputProfiles(t)); err != nil {
		t.Fatal(err)
	}
	var profiles []map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &profiles); err != nil {
		t.Fatal(err)
	}
	profileFields := []string{"deterministic", "fs_policy", "isolation_level", "network_policy", "profile_id",
		"resource_limits", "security_flags", "step_name"}
	nestedFields := map[string][]string{
		"network_policy":  {"hosts", "mode"},
		"fs_policy":       {"mode", "read", "write"},
		"resource_limits": {"max_cpu_usage", "max_execution_time_ms", "max_io_operations", "max_memory_bytes", "max_network_bandwidth"},
		"security_flags": {"enable_cpu_monitoring", "enable_fs_acl", "enable_memory_protection", "enable_network_acl",
			"enable_syscall_filter", "log_syscalls", "read_only_fs"},
	}
	seen := map[string]map[string]bool{}
	for i, p := range profiles {
		if got := slices.Sorted(maps.Keys(p)); !slices.Equal(got, profileFields) {
			t.Errorf("profile %d has fields %v, want %v", i, got, profileFields)
		}
		for field := range nestedFields {
			var nested map[string]json.RawMessage
			if err := json.Unmarshal(p[field], &nested); err != nil {
				t.Fatalf("profile %d: %s: %v", i, field, err)
			}
			if seen[field] == nil {
				seen[field] = map[string]bool{}
			}
			for k := range nested {
				seen[field][k] = true
			}
		}
	}
	for field, want := range nestedFields {
		if got := slices.Sorted(maps.Keys(seen[field])); !slices.Equal(got, want) {
			t.Errorf("%s has fields %v, want %v", field, got, want)
		}
	}
}

func TestWriteJSONOfNothing(t *testing.T) {
	var b bytes.Buffer
	if err := host.WriteJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "[]\n" {
		t.Errorf("got %q, want []", got)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	profiles := outputProfiles(t)
	if err := host.WriteTable(failingWriter{}, profiles); err == nil {
		t.Error("WriteTable: no error from a failing writer")
	}
	if err := host.WriteJSON(failingWriter{}, profiles); err == nil {
		t.Error("WriteJSON: no error from a failing writer")
	}
}
