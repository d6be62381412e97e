package isa

import (
	"bytes"
	"io"
	"testing"

	"github.com/rtfs-go/rtfs/stdlib"
)

// The fuzz targets. FuzzLoad feeds whole files to Decode; since the
// checksum turns away almost every mutation at the door, FuzzVerify feeds
// bodies straight to the structure decoder and the verifier. Neither may
// panic or hang, and a module that gets through must disassemble, encode
// and decode back to itself.
//
//	go test -run '^$' -fuzz=FuzzLoad -fuzztime=6m -parallel=1 ./isa
//	go test -run '^$' -fuzz=FuzzVerify -fuzztime=6m -parallel=1 ./isa

func FuzzLoad(f *testing.F) {
	for _, m := range []*Module{fullModule(), smallModule()} {
		data, err := Encode(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
		f.Add(data[:headerSize])
		for _, at := range []int{len(Magic), headerSize + 1, len(data) / 2, len(data) - 1} {
			flipped := bytes.Clone(data)
			flipped[at] ^= 0x04
			f.Add(flipped)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data, stdlib.Has)
		if err != nil {
			return
		}
		checkRoundTrip(t, m, Encode, decodeStd)
	})
}

func FuzzVerify(f *testing.F) {
	for _, m := range []*Module{fullModule(), smallModule()} {
		body, err := encodeBody(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	// Modules one mutation away from valid start the fuzzer at the edges
	// of the rules (those the format cannot carry are skipped).
	for _, v := range violations() {
		m := fullModule()
		v.mutate(m)
		if body, err := encodeBody(m); err == nil {
			f.Add(body)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := decodeBody(body)
		if err != nil {
			return
		}
		if err := Disassemble(io.Discard, m); err != nil {
			t.Fatalf("disassembling an unverified module: %v", err)
		}
		if Verify(m, stdlib.Has) != nil {
			return
		}
		checkRoundTrip(t, m, encodeBody, decodeBody)
	})
}

// checkRoundTrip checks that a verified module disassembles, encodes, and
// decodes to a deeply equal module.
func checkRoundTrip(t *testing.T, m *Module, encode func(*Module) ([]byte, error), decode func([]byte) (*Module, error)) {
	t.Helper()
	if err := Disassemble(io.Discard, m); err != nil {
		t.Fatalf("disassembling a verified module: %v", err)
	}
	data, err := encode(m)
	if err != nil {
		t.Fatalf("a decoded module does not encode: %v", err)
	}
	again, err := decode(data)
	if err != nil {
		t.Fatalf("a re-encoded module does not decode: %v", err)
	}
	if !sameModule(t, again, m) {
		t.Fatalf("the module changed in a round trip:\n got %#v\nwant %#v", again, m)
	}
}

// decodeStd decodes against the standard library's builtins.
func decodeStd(data []byte) (*Module, error) { return Decode(data, stdlib.Has) }
