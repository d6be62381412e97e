package stdlib

import (
	"iter"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rtfs-go/rtfs/value"
)

var joinBuiltin = &value.Builtin{Name: "join", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: join}

var stringBuiltins = []*value.Builtin{
	{Name: "str", MinArgs: 0, MaxArgs: variadic, Pure: true, Fn: str},
	{Name: "string-length", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: stringLength},
	{Name: "length", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: length},
	{Name: "substring", MinArgs: 2, MaxArgs: 3, Pure: true, Fn: substring},
	{Name: "string-contains", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: stringContains},
	{Name: "starts-with?", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: startsWith},
	{Name: "split", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: split},
	joinBuiltin,
	alias("string-join", joinBuiltin),
	{Name: "string-upper", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: mapString("string-upper", strings.ToUpper)},
	{Name: "string-lower", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: mapString("string-lower", strings.ToLower)},
	{Name: "string-trim", MinArgs: 1, MaxArgs: 1, Pure: true, Fn: mapString("string-trim", strings.TrimSpace)},
	{Name: "re-matches", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: reMatches},
	{Name: "re-find", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: reFind},
	{Name: "re-seq", MinArgs: 2, MaxArgs: 2, Pure: true, Fn: reSeq},
}

// asciiChars holds the one-character strings of ASCII, so splitting text
// into characters (first, map over a string, ...) does not allocate for
// them.
var asciiChars = func() (chars [utf8.RuneSelf]value.Value) {
	for i := range chars {
		chars[i] = value.String(string(rune(i)))
	}
	return chars
}()

// charAt returns the character of s starting at byte offset i as a string
// value, and its size in bytes. A byte that is not valid UTF-8 is a
// character of its own, as utf8.RuneCountInString counts it.
func charAt(s string, i int) (value.Value, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiChars[c], 1
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return value.String(s[i : i+size]), size
}

// chars splits s into one string value per character.
func chars(s string) []value.Value {
	out := make([]value.Value, 0, len(s))
	for i := 0; i < len(s); {
		c, size := charAt(s, i)
		out = append(out, c)
		i += size
	}
	return out
}

func charCount(s string) int { return utf8.RuneCountInString(s) }

// byteOffset returns the byte offset of character i of s (len(s) when i is
// the character count). i must be within range.
func byteOffset(s string, i int) int {
	if len(s) == charCount(s) {
		return i
	}
	for off := range s {
		if i == 0 {
			return off
		}
		i--
	}
	return len(s)
}

func str(rt value.Runtime, args []value.Value) (value.Value, error) {
	switch {
	case len(args) == 0:
		return value.String(""), nil
	case len(args) == 1 && args[0].Kind() == value.KString:
		return args[0], nil
	}
	if err := value.Reserve(rt, stringBytes(slices.All(args))); err != nil {
		return value.Nil, err
	}
	var b strings.Builder
	for _, x := range args {
		value.AppendStr(&b, x)
	}
	return value.String(b.String()), nil
}

func stringLength(_ value.Runtime, args []value.Value) (value.Value, error) {
	s, err := asString("string-length", args[0])
	if err != nil {
		return value.Nil, err
	}
	return value.Int(int64(charCount(s))), nil
}

// length counts elements like count, except that a string's length is its
// byte length (reference behaviour).
func length(_ value.Runtime, args []value.Value) (value.Value, error) {
	return size("length", args[0], func(s string) int { return len(s) })
}

func substring(_ value.Runtime, args []value.Value) (value.Value, error) {
	s, err := asString("substring", args[0])
	if err != nil {
		return value.Nil, err
	}
	n := int64(charCount(s))
	start, err := asInt("substring", args[1])
	if err != nil {
		return value.Nil, err
	}
	end := n
	if len(args) == 3 {
		if end, err = asInt("substring", args[2]); err != nil {
			return value.Nil, err
		}
	}
	if start < 0 || start > end || end > n {
		return value.Nil, value.Errorf(value.IndexOutOfBounds,
			"Index out of bounds in substring: start %d, end %d, length %d", start, end, n)
	}
	return value.String(s[byteOffset(s, int(start)):byteOffset(s, int(end))]), nil
}

func stringContains(_ value.Runtime, args []value.Value) (value.Value, error) {
	s, err := asString("string-contains", args[0])
	if err != nil {
		return value.Nil, err
	}
	sub, err := asString("string-contains", args[1])
	if err != nil {
		return value.Nil, err
	}
	return value.Bool(strings.Contains(s, sub)), nil
}

func startsWith(_ value.Runtime, args []value.Value) (value.Value, error) {
	if args[0].IsNil() {
		return value.False, nil
	}
	s, err := asString("starts-with?", args[0])
	if err != nil {
		return value.Nil, err
	}
	prefix, err := asString("starts-with?", args[1])
	if err != nil {
		return value.Nil, err
	}
	return value.Bool(strings.HasPrefix(s, prefix)), nil
}

// split cuts (split text delimiter) at every occurrence of the literal
// delimiter; an empty delimiter splits into characters and nil text gives
// [""].
func split(_ value.Runtime, args []value.Value) (value.Value, error) {
	text := ""
	if !args[0].IsNil() {
		var err error
		if text, err = asString("split", args[0]); err != nil {
			return value.Nil, err
		}
	}
	sep, err := asString("split", args[1])
	if err != nil {
		return value.Nil, err
	}
	if sep == "" {
		return value.NewVector(chars(text)), nil
	}
	parts := strings.Split(text, sep)
	out := make([]value.Value, len(parts))
	for i, p := range parts {
		out[i] = value.String(p)
	}
	return value.NewVector(out), nil
}

// join is (join separator coll), elements converted as by str.
func join(rt value.Runtime, args []value.Value) (value.Value, error) {
	sep, err := asString("join", args[0])
	if err != nil {
		return value.Nil, err
	}
	items, ok := seqOf(args[1])
	if !ok {
		return value.Nil, value.TypeErr("join", "vector or list", args[1])
	}
	if err := value.Reserve(rt, stringBytes(items.All())+int64(len(sep)*items.Len())); err != nil {
		return value.Nil, err
	}
	var b strings.Builder
	for i, x := range items.All() {
		if i > 0 {
			b.WriteString(sep)
		}
		value.AppendStr(&b, x)
	}
	return value.String(b.String()), nil
}

func mapString(op string, f func(string) string) func(value.Runtime, []value.Value) (value.Value, error) {
	return func(_ value.Runtime, args []value.Value) (value.Value, error) {
		s, err := asString(op, args[0])
		if err != nil {
			return value.Nil, err
		}
		return value.String(f(s)), nil
	}
}

// regexCache keeps recently compiled patterns: plans apply the same literal
// pattern inside loops, and compiling dominates a match on short text. It is
// emptied when full, which bounds it without bookkeeping.
var regexCache = struct {
	sync.Mutex
	compiled map[string]*regexp.Regexp
}{compiled: map[string]*regexp.Regexp{}}

const regexCacheSize = 64

func compileRegex(pattern string) (*regexp.Regexp, error) {
	regexCache.Lock()
	defer regexCache.Unlock()
	if re, ok := regexCache.compiled[pattern]; ok {
		return re, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, value.Errorf(value.Generic, "Invalid regex pattern %q: %v", pattern, err)
	}
	if len(regexCache.compiled) >= regexCacheSize {
		clear(regexCache.compiled)
	}
	regexCache.compiled[pattern] = re
	return re, nil
}

// regexArgs reads (op pattern text). A nil text is reported as absent
// (present false) so each function can give its own empty answer.
func regexArgs(op string, args []value.Value) (re *regexp.Regexp, text string, present bool, err error) {
	pattern, err := asString(op, args[0])
	if err != nil {
		return nil, "", false, err
	}
	if re, err = compileRegex(pattern); err != nil {
		return nil, "", false, err
	}
	if args[1].IsNil() {
		return re, "", false, nil
	}
	text, err = asString(op, args[1])
	return re, text, err == nil, err
}

// reMatches is true when the pattern matches anywhere in the text (the
// reference's behaviour, ⚠ A26).
func reMatches(_ value.Runtime, args []value.Value) (value.Value, error) {
	re, text, present, err := regexArgs("re-matches", args)
	if err != nil || !present {
		return value.False, err
	}
	return value.Bool(re.MatchString(text)), nil
}

func reFind(_ value.Runtime, args []value.Value) (value.Value, error) {
	re, text, present, err := regexArgs("re-find", args)
	if err != nil || !present {
		return value.Nil, err
	}
	loc := re.FindStringIndex(text)
	if loc == nil {
		return value.Nil, nil
	}
	return value.String(text[loc[0]:loc[1]]), nil
}

func reSeq(_ value.Runtime, args []value.Value) (value.Value, error) {
	re, text, present, err := regexArgs("re-seq", args)
	if err != nil || !present {
		return value.EmptyVector, err
	}
	matches := re.FindAllString(text, -1)
	out := make([]value.Value, len(matches))
	for i, m := range matches {
		out[i] = value.String(m)
	}
	return value.NewVector(out), nil
}

// stringBytes is what the strings among vs take: the least that joining
// them takes.
func stringBytes(vs iter.Seq2[int, value.Value]) int64 {
	var n int64
	for _, v := range vs {
		if v.Kind() == value.KString {
			n += int64(len(v.AsString()))
		}
	}
	return n
}
