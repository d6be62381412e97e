package syntax

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/antlr4-go/antlr/v4"
	"github.com/rtfs-go/rtfs/grammar"
	"github.com/rtfs-go/rtfs/value"
)

// Read parses src (named file in positions) into its top-level forms. It
// reports every error it finds, not only the first: delimiter errors from the
// parser's recovery, then malformed atoms, map literals and reader macros.
// The forms are meaningful only when no error is returned.
func Read(file string, src []byte) ([]*Form, []*value.Error) {
	r := &reader{file: file}
	tree := r.parse(string(src))
	var forms []*Form
	if tree != nil {
		forms = r.forms(tree.AllForm())
	}
	sortErrors(r.errs)
	return forms, r.errs
}

type reader struct {
	file      string
	errs      []*value.Error
	shortFnIn bool // inside #( ... ): a nested #( is an error
}

// parse runs the two-stage strategy: the fast SLL prediction with a bail-out
// error strategy first, and only if that fails the full LL prediction with
// error recovery, which also produces the error reports.
func (r *reader) parse(src string) (tree grammar.IFileContext) {
	lexer := grammar.NewRTFSLexer(antlr.NewInputStream(src))
	lexer.RemoveErrorListeners() // the lexer never fails: ERROR_CHAR matches anything
	tokens := antlr.NewCommonTokenStream(lexer, antlr.TokenDefaultChannel)
	if !r.nestingWithinLimit(tokens) {
		return nil
	}
	p := grammar.NewRTFSParser(tokens)
	p.RemoveErrorListeners()
	p.GetInterpreter().SetPredictionMode(antlr.PredictionModeSLL)
	p.SetErrorHandler(&bailOut{antlr.NewDefaultErrorStrategy()})
	if tree, ok := tryParse(p); ok {
		return tree
	}
	tokens.Seek(0)
	p.SetInputStream(tokens)
	p.GetInterpreter().SetPredictionMode(antlr.PredictionModeLL)
	p.SetErrorHandler(antlr.NewDefaultErrorStrategy())
	p.AddErrorListener(&syntaxErrors{r: r})
	return p.File()
}

// bailOut abandons the parse at the first syntax error. The runtime's own
// BailErrorStrategy does not stop the generated code (it only flags the
// error), so this one unwinds with a panic that tryParse catches.
type bailOut struct{ *antlr.DefaultErrorStrategy }

type bailed struct{}

func (*bailOut) ReportError(antlr.Parser, antlr.RecognitionException) { panic(bailed{}) }
func (*bailOut) Recover(antlr.Parser, antlr.RecognitionException)     { panic(bailed{}) }
func (*bailOut) RecoverInline(antlr.Parser) antlr.Token               { panic(bailed{}) }
func (*bailOut) Sync(antlr.Parser)                                    {}

// MaxNesting bounds how deeply collections may nest. Real programs stay far
// below it; beyond it the parser's error recovery, which walks the whole
// rule stack at every level, would take quadratic time on a file of
// unclosed brackets.
const MaxNesting = 1000

// nestingWithinLimit scans the tokens once, before parsing, and reports the
// first bracket that opens a collection deeper than MaxNesting.
func (r *reader) nestingWithinLimit(tokens *antlr.CommonTokenStream) bool {
	tokens.Fill()
	defer tokens.Seek(0)
	depth := 0
	for _, tok := range tokens.GetAllTokens() {
		switch tok.GetTokenType() {
		case grammar.RTFSParserLPAREN, grammar.RTFSParserLBRACKET, grammar.RTFSParserLBRACE, grammar.RTFSParserHASH_PAREN:
			if depth++; depth > MaxNesting {
				r.errorAtToken(value.ParseError, tok, "collections nest deeper than %d levels", MaxNesting)
				return false
			}
		case grammar.RTFSParserRPAREN, grammar.RTFSParserRBRACKET, grammar.RTFSParserRBRACE:
			depth--
		}
	}
	return true
}

func tryParse(p *grammar.RTFSParser) (tree grammar.IFileContext, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isBail := r.(bailed); !isBail {
				panic(r)
			}
			tree, ok = nil, false
		}
	}()
	return p.File(), true
}

// syntaxErrors turns the parser's reports into RTFS ParseErrors with plain
// messages ("unexpected ')'") instead of ANTLR's token-set dumps.
type syntaxErrors struct {
	antlr.DefaultErrorListener
	r *reader
}

func (l *syntaxErrors) SyntaxError(recognizer antlr.Recognizer, offending any, line, column int, _ string, _ antlr.RecognitionException) {
	tok, _ := offending.(antlr.Token)
	var ctx antlr.ParserRuleContext
	if p, ok := recognizer.(antlr.Parser); ok {
		ctx = p.GetParserRuleContext()
	}
	opener, closer, openPos := l.r.innermostOpen(ctx)
	var msg string
	switch {
	case tok == nil:
		msg = "syntax error"
	case tok.GetTokenType() == antlr.TokenEOF:
		if opener != "" {
			msg = fmt.Sprintf("unexpected end of input: %s opened at %d:%d is never closed", quoteToken(opener), openPos.Line, openPos.Col)
		} else {
			msg = "unexpected end of input"
		}
	default:
		msg = fmt.Sprintf("unexpected %s", quoteToken(tok.GetText()))
		if isCloser(tok.GetTokenType()) && closer != "" && closer != tok.GetText() {
			msg += fmt.Sprintf(", expected %s to close %s opened at %d:%d", quoteToken(closer), quoteToken(opener), openPos.Line, openPos.Col)
		}
	}
	l.r.errorAt(value.ParseError, line, column, msg)
}

// quoteToken quotes source text for a message: 'x' for plain text, Go
// quoting when it holds characters that would not show.
func quoteToken(text string) string {
	if q := strconv.Quote(text); q[1:len(q)-1] != text || strings.ContainsRune(text, '\'') {
		return q
	}
	return "'" + text + "'"
}

func isCloser(tokenType int) bool {
	return tokenType == grammar.RTFSParserRPAREN || tokenType == grammar.RTFSParserRBRACKET || tokenType == grammar.RTFSParserRBRACE
}

// innermostOpen finds the collection the parser was inside when it failed.
func (r *reader) innermostOpen(ctx antlr.ParserRuleContext) (opener, closer string, at value.Pos) {
	for ; ctx != nil; ctx, _ = ctx.GetParent().(antlr.ParserRuleContext) {
		switch ctx.(type) {
		case *grammar.ListContext:
			opener, closer = "(", ")"
		case *grammar.VectorContext:
			opener, closer = "[", "]"
		case *grammar.MapContext:
			opener, closer = "{", "}"
		case *grammar.ShortFnContext:
			opener, closer = "#(", ")"
		default:
			continue
		}
		return opener, closer, r.pos(ctx.GetStart())
	}
	return "", "", value.Pos{}
}

func (r *reader) pos(tok antlr.Token) value.Pos {
	return value.Pos{File: r.file, Line: tok.GetLine(), Col: tok.GetColumn() + 1}
}

func (r *reader) errorAt(kind value.ErrorKind, line, column int, msg string) {
	pos := value.Pos{File: r.file, Line: line, Col: column + 1}
	for _, e := range r.errs {
		if e.Pos == pos {
			return // one report per position: recovery often trips twice on one token
		}
	}
	r.errs = append(r.errs, &value.Error{Kind: kind, Message: msg, Pos: pos})
}

func (r *reader) errorAtToken(kind value.ErrorKind, tok antlr.Token, format string, args ...any) {
	r.errorAt(kind, tok.GetLine(), tok.GetColumn(), fmt.Sprintf(format, args...))
}

func (r *reader) forms(ctxs []grammar.IFormContext) []*Form {
	out := make([]*Form, 0, len(ctxs))
	for _, c := range ctxs {
		if f := r.form(c); f != nil {
			out = append(out, f)
		}
	}
	return out
}

// form converts one parse-tree form. Recovery can leave holes in the tree
// (missing children), which come back as nil and are dropped.
func (r *reader) form(c grammar.IFormContext) *Form {
	if c == nil || c.GetStart() == nil {
		return nil
	}
	pos := r.pos(c.GetStart())
	switch c := c.(type) {
	case *grammar.ListContext:
		return &Form{Kind: FList, Pos: pos, Elems: r.forms(c.AllForm())}
	case *grammar.VectorContext:
		return &Form{Kind: FVector, Pos: pos, Elems: r.forms(c.AllForm())}
	case *grammar.MapContext:
		// Keys are checked by the compiler: a map pattern may have symbol
		// keys and `&`, which a map literal may not.
		return &Form{Kind: FMap, Pos: pos, Elems: r.forms(c.AllForm())}
	case *grammar.ShortFnContext:
		if r.shortFnIn {
			r.errorAtToken(value.ParseError, c.GetStart(), "nested #( ) shorthand functions are not allowed")
		}
		outer := r.shortFnIn
		r.shortFnIn = true
		elems := r.forms(c.AllForm())
		r.shortFnIn = outer
		return &Form{Kind: FShortFn, Pos: pos, Elems: elems}
	case *grammar.QuoteContext:
		// 'x reads as (quote x) (A36).
		quoted := r.form(c.Form())
		if quoted == nil {
			return nil
		}
		return &Form{Kind: FList, Pos: pos, Elems: []*Form{{Kind: FSymbol, Pos: pos, Text: "quote"}, quoted}}
	case *grammar.QuasiquoteContext:
		return r.wrap(FQuasi, pos, c.Form())
	case *grammar.SpliceContext:
		return r.wrap(FSplice, pos, c.Form())
	case *grammar.UnquoteContext:
		return r.wrap(FUnquote, pos, c.Form())
	case *grammar.MetaContext:
		return r.meta(pos, c)
	case *grammar.AtomFormContext:
		return r.atom(pos, c.Atom())
	}
	return nil
}

func (r *reader) wrap(kind FormKind, pos value.Pos, inner grammar.IFormContext) *Form {
	f := r.form(inner)
	if f == nil {
		return nil
	}
	return &Form{Kind: kind, Pos: pos, Elems: []*Form{f}}
}

// meta checks that `^` is followed by a map or by :delegation, the only
// metadata forms RTFS has.
func (r *reader) meta(pos value.Pos, c *grammar.MetaContext) *Form {
	m := r.form(c.Form())
	if m == nil {
		return nil
	}
	switch {
	case m.Kind == FMap:
	case m.Kind == FKeyword && m.Val.AsKeyword().Name == "delegation":
	default:
		r.errorAtToken(value.ParseError, c.GetStart(), "metadata must be a map ^{...} or ^:delegation")
	}
	return &Form{Kind: FMeta, Pos: pos, Elems: []*Form{m}}
}

func (r *reader) atom(pos value.Pos, c grammar.IAtomContext) *Form {
	if c == nil || c.GetStart() == nil {
		return nil
	}
	tok := c.GetStart()
	text := tok.GetText()
	lit := func(kind FormKind, v value.Value) *Form { return &Form{Kind: kind, Pos: pos, Val: v, Text: text} }
	switch tok.GetTokenType() {
	case grammar.RTFSParserINT:
		i, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			r.errorAtToken(value.InvalidLiteral, tok, "integer literal %s is out of the 64-bit range", text)
		}
		return lit(FInt, value.Int(i))
	case grammar.RTFSParserFLOAT:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			r.errorAtToken(value.InvalidLiteral, tok, "float literal %s is out of range", text)
		}
		return lit(FFloat, value.Float(f))
	case grammar.RTFSParserSPECIAL_FLOAT:
		f := map[string]float64{"##Inf": math.Inf(1), "##-Inf": math.Inf(-1), "##NaN": math.NaN()}[text]
		return lit(FFloat, value.Float(f))
	case grammar.RTFSParserSTRING:
		s, err := r.unescape(tok, text[1:len(text)-1])
		if err != nil {
			r.errs = append(r.errs, err)
		}
		return lit(FString, value.String(s))
	case grammar.RTFSParserTIMESTAMP, grammar.RTFSParserUUID, grammar.RTFSParserRESOURCE:
		return lit(FString, value.String(text))
	case grammar.RTFSParserKEYWORD:
		return lit(FKeyword, value.Kw(text[1:]))
	case grammar.RTFSParserSYMBOL:
		switch text {
		case "true":
			return lit(FBool, value.True)
		case "false":
			return lit(FBool, value.False)
		case "nil":
			return lit(FNil, value.Nil)
		}
		return &Form{Kind: FSymbol, Pos: pos, Text: text}
	case grammar.RTFSParserLAMBDA:
		return &Form{Kind: FSymbol, Pos: pos, Text: "fn"}
	case grammar.RTFSParserCONTEXT_REF:
		if name, ok := strings.CutPrefix(text, "@:"); ok {
			return &Form{Kind: FSymbol, Pos: pos, Text: name}
		}
		return &Form{Kind: FContext, Pos: pos, Text: text[1:]}
	case grammar.RTFSParserBAD_NUMBER:
		if i, ok, err := prefixedInt(text); ok {
			if err != nil {
				r.errorAtToken(value.InvalidLiteral, tok, "integer literal %s %v", text, err)
			}
			return lit(FInt, value.Int(i))
		}
		r.errorAtToken(value.InvalidLiteral, tok, "malformed number %s", text)
	case grammar.RTFSParserBAD_KEYWORD:
		if text == ":" {
			// A lone colon introduces a type annotation (x : int,
			// v :[:vector :int]); the compiler rejects it anywhere else.
			return &Form{Kind: FSymbol, Pos: pos, Text: text}
		}
		r.errorAtToken(value.ParseError, tok, "malformed keyword %s", quoteToken(text))
	case grammar.RTFSParserUNTERMINATED_STRING:
		if endsInLoneBackslash(text) {
			r.errorAtToken(value.InvalidEscapeSequence, tok, "string ends in a lone backslash")
		} else {
			r.errorAtToken(value.ParseError, tok, "unterminated string")
		}
	case grammar.RTFSParserUNTERMINATED_COMMENT:
		r.errorAtToken(value.ParseError, tok, "unterminated block comment: missing |#")
	default:
		r.errorAtToken(value.ParseError, tok, "unexpected character %s", quoteToken(text))
	}
	return lit(FNil, value.Nil)
}

func endsInLoneBackslash(text string) bool {
	n := 0
	for i := len(text) - 1; i >= 0 && text[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// unescape decodes the escapes of §1: exactly \n \t \r \\ \".
func (r *reader) unescape(tok antlr.Token, body string) (string, *value.Error) {
	if !strings.ContainsRune(body, '\\') {
		return body, nil
	}
	var b strings.Builder
	line, col := tok.GetLine(), tok.GetColumn()+1 // position of the opening quote
	for i := 0; i < len(body); {
		c, size := utf8.DecodeRuneInString(body[i:])
		if c == '\\' && i+1 < len(body) {
			next, nsize := utf8.DecodeRuneInString(body[i+1:])
			repl, ok := map[rune]byte{'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"'}[next]
			if !ok {
				return "", &value.Error{Kind: value.InvalidEscapeSequence,
					Pos:     value.Pos{File: r.file, Line: line, Col: col + 1},
					Message: fmt.Sprintf("invalid escape sequence \\%c in string", next)}
			}
			b.WriteByte(repl)
			i += 1 + nsize
			col += 2
			continue
		}
		b.WriteRune(c)
		i += size
		if c == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
	}
	return b.String(), nil
}

func sortErrors(errs []*value.Error) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && before(errs[j].Pos, errs[j-1].Pos); j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

func before(a, b value.Pos) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
}

// prefixedInt reads an integer written with a base prefix after an
// optional sign (A35): 0x or 0X hexadecimal, 0o octal, 0b binary. ok says
// whether text has such a prefix; err, then, why it is not a valid one
// (no digits, a digit outside the base, outside the 64-bit range).
func prefixedInt(text string) (i int64, ok bool, err error) {
	body, neg := text, false
	if body != "" && (body[0] == '+' || body[0] == '-') {
		neg, body = body[0] == '-', body[1:]
	}
	if len(body) < 2 || body[0] != '0' {
		return 0, false, nil
	}
	base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'b': 2}[body[1]]
	if base == 0 {
		return 0, false, nil
	}
	digits := body[2:]
	if digits == "" {
		return 0, true, errors.New("has no digits")
	}
	u, perr := strconv.ParseUint(digits, base, 64)
	switch {
	case errors.Is(perr, strconv.ErrRange):
		return 0, true, errors.New("is out of the 64-bit range")
	case perr != nil:
		return 0, true, fmt.Errorf("has a digit outside base %d", base)
	case neg && u > 1<<63:
		return 0, true, errors.New("is out of the 64-bit range")
	case neg:
		return -int64(u), true, nil
	case u > 1<<63-1:
		return 0, true, errors.New("is out of the 64-bit range")
	}
	return int64(u), true, nil
}
