package host

// Effect is one kind of effect a capability may have on the world.
type Effect string

// The effects a capability may declare.
const (
	EffectNetwork Effect = "network"
	EffectFSRead  Effect = "fs-read"
	EffectFSWrite Effect = "fs-write"
	EffectExec    Effect = "exec"
	EffectEnv     Effect = "env"
	EffectClock   Effect = "clock"
	EffectRandom  Effect = "random"
)

// StepProfile is the security profile of one step, derived at compile time
// from the declared effects of every capability the step can reach and
// adjusted to the runtime context. The JSON field names are CCOS's.
type StepProfile struct {
	ProfileID      string         `json:"profile_id"`
	StepName       string         `json:"step_name"`
	IsolationLevel Isolation      `json:"isolation_level"`
	NetworkPolicy  NetworkPolicy  `json:"network_policy"`
	FSPolicy       FSPolicy       `json:"fs_policy"`
	Deterministic  bool           `json:"deterministic"`
	ResourceLimits ResourceLimits `json:"resource_limits"`
	SecurityFlags  SecurityFlags  `json:"security_flags"`
	// Effects is the union of the reached capabilities' effects; Unresolved
	// is set when some call's capability could not be determined statically.
	// Neither is part of the CCOS profile; they are kept beside it.
	Effects    []Effect `json:"-"`
	Unresolved bool     `json:"-"`
	// Capabilities are the ids the step's calls may name (its reach).
	Capabilities []string `json:"-"`
	// Bounded makes Effects an upper bound: a call of a capability with
	// any other effect is refused (CallContext.CheckBound). ProfileFor sets
	// it.
	Bounded bool `json:"-"`
}

// NetworkPolicy is what network access a step has.
type NetworkPolicy struct {
	Mode NetworkMode `json:"mode"`

	Hosts []string `json:"hosts,omitempty"` // exact host names or "*.suffix"
}

// FSPolicy is what file system access a step has.
type FSPolicy struct {
	Mode  FSMode   `json:"mode"`
	Read  []string `json:"read,omitempty"`  // directories readable (read-only and read-write)
	Write []string `json:"write,omitempty"` // directories writable (read-write)
}

// NetworkMode is how a NetworkPolicy decides which hosts a step reaches.
type NetworkMode string

// The network policy modes.
const (
	// NetworkDenied (or an empty mode) allows no network access.
	NetworkDenied NetworkMode = "denied"
	// NetworkAllowList allows only the hosts listed.
	NetworkAllowList NetworkMode = "allow-list"
	// NetworkDenyList allows every host except those listed.
	NetworkDenyList NetworkMode = "deny-list"
	// NetworkFull allows every host.
	NetworkFull NetworkMode = "full"
)

// FSMode is how an FSPolicy decides which files a step reaches.
type FSMode string

// The file system policy modes.
const (
	// FSNone (or an empty mode) allows no file access.
	FSNone FSMode = "none"
	// FSReadOnly allows reading below the Read directories, no writing.
	FSReadOnly FSMode = "read-only"
	// FSReadWrite allows reading below the Read and Write directories and
	// writing below the Write directories.
	FSReadWrite FSMode = "read-write"
	// FSFull allows any file access (ReadOnlyFS still forbids writes).
	FSFull FSMode = "full"
)

// ResourceLimits bound a step's resources; zero means no limit.
type ResourceLimits struct {
	MaxExecutionTimeMS  int64   `json:"max_execution_time_ms"`
	MaxMemoryBytes      int64   `json:"max_memory_bytes"`
	MaxCPUUsage         float64 `json:"max_cpu_usage"`
	MaxIOOperations     int64   `json:"max_io_operations"`
	MaxNetworkBandwidth int64   `json:"max_network_bandwidth"`
}

// SecurityFlags switch on the enforcement mechanisms a step runs under.
type SecurityFlags struct {
	EnableSyscallFilter    bool `json:"enable_syscall_filter"`
	EnableNetworkACL       bool `json:"enable_network_acl"`
	EnableFSACL            bool `json:"enable_fs_acl"`
	EnableMemoryProtection bool `json:"enable_memory_protection"`
	EnableCPUMonitoring    bool `json:"enable_cpu_monitoring"`
	LogSyscalls            bool `json:"log_syscalls"`
	ReadOnlyFS             bool `json:"read_only_fs"`
}
