package caps

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// Redaction keeps secrets out of the causal chain. A capability names the
// parts of its arguments and results that are sensitive (host.Capability
// Sensitive): "headers.Authorization" is the Authorization entry of the
// :headers option, "env" the whole :env option, "0" a positional
// argument, "result" the whole result, "result.headers" an entry of it.
// The chain then holds, in place of each, a string saying what it was
// replaced by: the SHA-256 and length of the part's printed form.

// redactedPrefix starts every replacement, so that replay can tell a
// redacted result, which it cannot give back (Redacted).
const redactedPrefix = "<redacted sha256:"

// Redacted reports whether a printed form holds a redacted part.
func Redacted(printed string) bool { return strings.Contains(printed, redactedPrefix) }

// redactArgs returns the arguments of a call of c as the chain records
// them.
func redactArgs(c *host.Capability, args []value.Value) []value.Value {
	out := slices.Clone(args)
	for _, path := range c.Sensitive {
		parts := strings.Split(path, ".")
		switch {
		case parts[0] == "result":
		case c.Signature.Options != nil && len(out) > 0:
			out[0] = redactPath(out[0], parts)
		default:
			if i, err := strconv.Atoi(parts[0]); err == nil && i >= 0 && i < len(out) {
				out[i] = redactPath(out[i], parts[1:])
			}
		}
	}
	return out
}

// redactResult returns the result of a call of c as the chain records it.
func redactResult(c *host.Capability, v value.Value) value.Value {
	for _, path := range c.Sensitive {
		if parts := strings.Split(path, "."); parts[0] == "result" {
			v = redactPath(v, parts[1:])
		}
	}
	return v
}

// redactPath replaces the part of v that path names; a path v does not
// have leaves it as it is.
func redactPath(v value.Value, path []string) value.Value {
	if len(path) == 0 {
		if v.IsNil() {
			return v
		}
		printed := v.String()
		sum := sha256.Sum256([]byte(printed))
		return value.String(fmt.Sprintf("%s%s bytes:%d>", redactedPrefix, hex.EncodeToString(sum[:]), len(printed)))
	}
	switch v.Kind() {
	case value.KMap:
		m := v.AsMap()
		for e := range m.Entries() {
			if strings.EqualFold(e.Key.KeyName(), path[0]) {
				m = m.Assoc(e.Key, redactPath(e.Val, path[1:]))
			}
		}
		return value.MapOf(m)
	case value.KVector, value.KList:
		items := v.AsVector()
		if i, err := strconv.Atoi(path[0]); err == nil && i >= 0 && i < items.Len() {
			return items.Assoc(i, redactPath(items.Nth(i), path[1:])).WithKind(v.Kind())
		}
	}
	return v
}
