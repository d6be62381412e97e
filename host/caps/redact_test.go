package caps

import (
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

func TestRedactPaths(t *testing.T) {
	options := &host.Capability{Signature: host.OptionsOf(host.Option{Name: "headers", Kind: value.KMap}),
		Sensitive: []string{"headers.authorization", "missing.part", "result.token"}}
	args := []value.Value{value.MapFromEntries([]value.MapEntry{{Key: value.Kw("headers"), Val: value.MapFromEntries([]value.MapEntry{
		{Key: value.String("Authorization"), Val: value.String("Bearer s3cret")},
		{Key: value.String("Accept"), Val: value.String("text/plain")},
	})}})}
	got := redactArgs(options, args)[0].String()
	if strings.Contains(got, "s3cret") || !strings.Contains(got, `"Accept" "text/plain"`) || !Redacted(got) {
		t.Errorf("redacted arguments %s", got)
	}
	if args[0].String() == got {
		t.Error("the call's own arguments were changed")
	}
	result := value.MapFromEntries([]value.MapEntry{{Key: value.Kw("token"), Val: value.String("t0ken")}, {Key: value.Kw("n"), Val: value.Int(1)}})
	if got := redactResult(options, result).String(); strings.Contains(got, "t0ken") || !strings.Contains(got, ":n 1") {
		t.Errorf("redacted result %s", got)
	}
	positional := &host.Capability{Signature: host.Positional(2, 2), Sensitive: []string{"1", "result"}}
	got = redactArgs(positional, []value.Value{value.String("user"), value.String("pa55")})[1].String()
	if strings.Contains(got, "pa55") || !strings.Contains(got, "bytes:6>") {
		t.Errorf("redacted positional argument %s", got)
	}
	if got := redactResult(positional, value.String("x")).String(); !Redacted(got) {
		t.Errorf("redacted whole result %s", got)
	}
}
