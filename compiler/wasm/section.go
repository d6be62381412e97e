package wasm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/rtfs-go/rtfs/isa"
)

// SectionName is the .rtfsb section (isa.Module.Sections) that carries a
// program's WASM module.
const SectionName = "wasm"

// Marshal encodes mod for its section: the constant references and the
// tail call sites as uvarints, then the binary.
func (mod *Module) Marshal() []byte {
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(mod.Consts)))
	for _, c := range mod.Consts {
		out = binary.AppendUvarint(out, uint64(c.Fn))
		out = binary.AppendUvarint(out, uint64(c.K))
	}
	out = binary.AppendUvarint(out, uint64(len(mod.Sites)))
	for _, s := range mod.Sites {
		out = binary.AppendUvarint(out, uint64(s.Fn))
		out = binary.AppendUvarint(out, uint64(s.PC))
	}
	return append(out, mod.Binary...)
}

// FromSection verifies the WASM section of m: it must be exactly the
// module Compile makes of m's (verified) bytecode, so that a module file
// cannot bring code of its own into the sandbox. It returns nil when m has
// no such section.
func FromSection(m *isa.Module) (*Module, error) {
	data, ok := m.Sections[SectionName]
	if !ok {
		return nil, nil
	}
	want, err := Compile(m, 0)
	if err != nil {
		return nil, fmt.Errorf("wasm section: %w", err)
	}
	if !bytes.Equal(data, want.Marshal()) {
		return nil, errors.New("wasm section: not the module this bytecode compiles to")
	}
	return want, nil
}
