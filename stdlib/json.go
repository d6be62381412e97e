package stdlib

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rtfs-go/rtfs/value"
)

var (
	parseJSONBuiltin     = &value.Builtin{Name: "parse-json", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: parseJSON}
	serializeJSONBuiltin = &value.Builtin{Name: "serialize-json", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: serializeJSON(false)}
	prettyJSONBuiltin    = &value.Builtin{Name: "serialize-json-pretty", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: serializeJSON(true)}
)

var jsonBuiltins = []*value.Builtin{
	parseJSONBuiltin,
	serializeJSONBuiltin,
	prettyJSONBuiltin,
	alias("tool/parse-json", parseJSONBuiltin),
	alias("tool/serialize-json", serializeJSONBuiltin),
	alias("tool/serialize-json-pretty", prettyJSONBuiltin),
}

// maxJSONDepth bounds the nesting parse-json and serialize-json follow, so
// hostile input cannot drive the recursive decoder or encoder arbitrarily
// deep.
const maxJSONDepth = 10000

func jsonParseError(format string, args ...any) error {
	return value.Errorf(value.Generic, "JSON parsing error: "+format, args...)
}

// parseJSON decodes one JSON document: objects become maps with string
// keys, integer literals integers, other numbers floats, arrays vectors and
// null nil.
func parseJSON(_ value.Runtime, args []value.Value) (value.Value, error) {
	text, err := asString("parse-json", args[0])
	if err != nil {
		return value.Nil, err
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := decodeJSON(dec, 0)
	if err != nil {
		return value.Nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return value.Nil, jsonParseError("unexpected data after the JSON value")
	}
	return v, nil
}

func decodeJSON(dec *json.Decoder, depth int) (value.Value, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return value.Nil, jsonParseError("%v", err)
	}
	switch t := tok.(type) {
	case string:
		return value.String(t), nil
	case json.Number:
		return jsonNumber(t)
	case bool:
		return value.Bool(t), nil
	case nil:
		return value.Nil, nil
	case json.Delim:
		if depth >= maxJSONDepth {
			return value.Nil, jsonParseError("nesting deeper than %d", maxJSONDepth)
		}
		if t == '[' {
			return decodeJSONArray(dec, depth)
		}
		return decodeJSONObject(dec, depth)
	}
	return value.Nil, jsonParseError("unexpected token %v", tok)
}

func decodeJSONArray(dec *json.Decoder, depth int) (value.Value, error) {
	var items []value.Value
	for dec.More() {
		v, err := decodeJSON(dec, depth+1)
		if err != nil {
			return value.Nil, err
		}
		items = append(items, v)
	}
	if err := closeJSON(dec); err != nil {
		return value.Nil, err
	}
	return value.NewVector(items), nil
}

func decodeJSONObject(dec *json.Decoder, depth int) (value.Value, error) {
	var entries []value.MapEntry
	for dec.More() {
		// In key position the decoder yields only strings (or a syntax
		// error), so the key needs no further check.
		keyTok, err := dec.Token()
		if err != nil {
			return value.Nil, jsonParseError("%v", err)
		}
		key, _ := keyTok.(string)
		v, err := decodeJSON(dec, depth+1)
		if err != nil {
			return value.Nil, err
		}
		entries = append(entries, value.MapEntry{Key: value.String(key), Val: v})
	}
	if err := closeJSON(dec); err != nil {
		return value.Nil, err
	}
	return value.MapFromEntries(entries), nil
}

// closeJSON consumes the `]` or `}` ending a container.
func closeJSON(dec *json.Decoder) error {
	if _, err := dec.Token(); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return jsonParseError("%v", err)
	}
	return nil
}

// jsonNumber keeps integer literals integers when they fit an int64.
func jsonNumber(n json.Number) (value.Value, error) {
	text := n.String()
	if !strings.ContainsAny(text, ".eE") {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return value.Int(i), nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return value.Nil, jsonParseError("number %s out of range", text)
	}
	return value.Float(f), nil
}

func serializeJSON(pretty bool) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(_ value.Runtime, args []value.Value) (value.Value, error) {
		w := jsonWriter{pretty: pretty}
		if err := w.write(args[0], 0); err != nil {
			return value.Nil, err
		}
		return value.String(w.b.String()), nil
	}
}

// jsonWriter renders values as JSON: keywords and symbols as their name
// strings, lists like vectors, map keys as strings in sorted order. The
// pretty form indents by two spaces per level.
type jsonWriter struct {
	b      strings.Builder
	pretty bool
}

func (w *jsonWriter) write(v value.Value, depth int) error {
	if depth >= maxJSONDepth {
		return value.Errorf(value.Generic, "JSON serialization error: nesting deeper than %d levels", maxJSONDepth)
	}
	switch v.Kind() {
	case value.KNil:
		w.b.WriteString("null")
	case value.KBool, value.KInt:
		w.b.WriteString(v.String())
	case value.KFloat:
		f := v.AsFloat()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return value.Errorf(value.Generic, "JSON serialization error: %s is not a JSON number", v)
		}
		w.b.WriteString(value.FormatFloat(f))
	case value.KString, value.KSymbol:
		w.writeString(v.AsString())
	case value.KKeyword:
		w.writeString(v.AsKeyword().Name)
	case value.KVector, value.KList:
		items := v.AsVector()
		w.b.WriteByte('[')
		for i, x := range items.All() {
			w.separate(i, depth+1)
			if err := w.write(x, depth+1); err != nil {
				return err
			}
		}
		w.close(items.Len(), depth, ']')
	case value.KMap:
		return w.writeObject(v.AsMap(), depth)
	default:
		return value.Errorf(value.Generic, "JSON serialization error: cannot serialize a %s", v.TypeName())
	}
	return nil
}

func (w *jsonWriter) writeObject(m *value.Map, depth int) error {
	type field struct {
		name string
		val  value.Value
	}
	fields := make([]field, 0, m.Len())
	for e := range m.Entries() {
		name := value.Str(e.Key)
		if e.Key.Kind() == value.KKeyword {
			name = e.Key.AsKeyword().Name
		}
		fields = append(fields, field{name, e.Val})
	}
	// Integer keys become strings, so map order is no longer key order.
	slices.SortStableFunc(fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
	w.b.WriteByte('{')
	for i, f := range fields {
		w.separate(i, depth+1)
		w.writeString(f.name)
		w.b.WriteByte(':')
		if w.pretty {
			w.b.WriteByte(' ')
		}
		if err := w.write(f.val, depth+1); err != nil {
			return err
		}
	}
	w.close(len(fields), depth, '}')
	return nil
}

// separate starts element i of a container whose elements sit at depth.
func (w *jsonWriter) separate(i, depth int) {
	if i > 0 {
		w.b.WriteByte(',')
	}
	w.newline(depth)
}

// close ends a container of n elements opened at depth; empty containers
// stay on one line.
func (w *jsonWriter) close(n, depth int, closer byte) {
	if n > 0 {
		w.newline(depth)
	}
	w.b.WriteByte(closer)
}

func (w *jsonWriter) newline(depth int) {
	if w.pretty {
		w.b.WriteByte('\n')
		for range depth {
			w.b.WriteString("  ")
		}
	}
}

// writeString quotes s for JSON: control characters escaped, bytes that are
// not UTF-8 replaced by U+FFFD, everything else (non-ASCII included) kept.
func (w *jsonWriter) writeString(s string) {
	const hex = "0123456789abcdef"
	w.b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			w.b.WriteString(`\"`)
		case r == '\\':
			w.b.WriteString(`\\`)
		case r == '\n':
			w.b.WriteString(`\n`)
		case r == '\r':
			w.b.WriteString(`\r`)
		case r == '\t':
			w.b.WriteString(`\t`)
		case r < 0x20:
			w.b.WriteString(`\u00`)
			w.b.WriteByte(hex[r>>4])
			w.b.WriteByte(hex[r&0xf])
		case r == utf8.RuneError && size == 1:
			w.b.WriteString(`\ufffd`)
		default:
			w.b.WriteString(s[i : i+size])
		}
		i += size
	}
	w.b.WriteByte('"')
}
