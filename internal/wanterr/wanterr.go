// Package wanterr holds the one check the tests of several packages make
// of an RTFS error: its kind and the fragments its message must hold. It
// depends on value only, so that the packages below the engines can use it
// as well as the engine tests.
package wanterr

import (
	"errors"
	"strings"
	"testing"

	"github.com/rtfs-go/rtfs/value"
)

// Check fails t unless err is an RTFS error of kind whose message holds
// every fragment, and returns it.
func Check(t testing.TB, err error, kind value.ErrorKind, fragments ...string) *value.Error {
	t.Helper()
	var e *value.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want a %s error", err, kind)
	}
	if e.Kind != kind {
		t.Fatalf("got %s: %s, want a %s error", e.Kind, e.Message, kind)
	}
	for _, f := range fragments {
		if !strings.Contains(e.Message, f) {
			t.Errorf("message %q lacks %q", e.Message, f)
		}
	}
	return e
}
