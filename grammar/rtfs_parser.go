
package grammar // RTFS
import (
	"fmt"
	"strconv"
  	"sync"

	"github.com/antlr4-go/antlr/v4"
)

// Suppress unused import errors
var _ = fmt.Printf
var _ = strconv.Itoa
var _ = sync.Once{}


type RTFSParser struct {
	*antlr.BaseParser
}

var RTFSParserStaticData struct {
  once                   sync.Once
  serializedATN          []int32
  LiteralNames           []string
  SymbolicNames          []string
  RuleNames              []string
  PredictionContextCache *antlr.PredictionContextCache
  atn                    *antlr.ATN
  decisionToDFA          []*antlr.DFA
}

func rtfsParserInit() {
  staticData := &RTFSParserStaticData
  staticData.LiteralNames = []string{
    "", "'('", "')'", "'['", "']'", "'{'", "'}'", "'#('", "'`'", "'~@'", 
    "'~'", "'^'", "", "", "", "", "", "", "", "", "", "", "'\\u03BB'",
  }
  staticData.SymbolicNames = []string{
    "", "LPAREN", "RPAREN", "LBRACKET", "RBRACKET", "LBRACE", "RBRACE", 
    "HASH_PAREN", "BACKTICK", "TILDE_AT", "TILDE", "CARET", "SPECIAL_FLOAT", 
    "TIMESTAMP", "UUID", "RESOURCE", "FLOAT", "INT", "BAD_NUMBER", "KEYWORD", 
    "BAD_KEYWORD", "SYMBOL", "LAMBDA", "CONTEXT_REF", "STRING", "UNTERMINATED_STRING", 
    "BLOCK_COMMENT", "UNTERMINATED_COMMENT", "LINE_COMMENT", "WS", "ERROR_CHAR",
  }
  staticData.RuleNames = []string{
    "file", "form", "atom",
  }
  staticData.PredictionContextCache = antlr.NewPredictionContextCache()
  staticData.serializedATN = []int32{
	4, 1, 30, 60, 2, 0, 7, 0, 2, 1, 7, 1, 2, 2, 7, 2, 1, 0, 5, 0, 8, 8, 0, 
	10, 0, 12, 0, 11, 9, 0, 1, 0, 1, 0, 1, 1, 1, 1, 5, 1, 17, 8, 1, 10, 1, 
	12, 1, 20, 9, 1, 1, 1, 1, 1, 1, 1, 5, 1, 25, 8, 1, 10, 1, 12, 1, 28, 9, 
	1, 1, 1, 1, 1, 1, 1, 5, 1, 33, 8, 1, 10, 1, 12, 1, 36, 9, 1, 1, 1, 1, 1, 
	1, 1, 5, 1, 41, 8, 1, 10, 1, 12, 1, 44, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 56, 8, 1, 1, 2, 1, 2, 1, 2, 0, 0, 
	3, 0, 2, 4, 0, 1, 3, 0, 12, 25, 27, 27, 30, 30, 69, 0, 9, 1, 0, 0, 0, 2, 
	55, 1, 0, 0, 0, 4, 57, 1, 0, 0, 0, 6, 8, 3, 2, 1, 0, 7, 6, 1, 0, 0, 0, 
	8, 11, 1, 0, 0, 0, 9, 7, 1, 0, 0, 0, 9, 10, 1, 0, 0, 0, 10, 12, 1, 0, 0, 
	0, 11, 9, 1, 0, 0, 0, 12, 13, 5, 0, 0, 1, 13, 1, 1, 0, 0, 0, 14, 18, 5, 
	1, 0, 0, 15, 17, 3, 2, 1, 0, 16, 15, 1, 0, 0, 0, 17, 20, 1, 0, 0, 0, 18, 
	16, 1, 0, 0, 0, 18, 19, 1, 0, 0, 0, 19, 21, 1, 0, 0, 0, 20, 18, 1, 0, 0, 
	0, 21, 56, 5, 2, 0, 0, 22, 26, 5, 3, 0, 0, 23, 25, 3, 2, 1, 0, 24, 23, 
	1, 0, 0, 0, 25, 28, 1, 0, 0, 0, 26, 24, 1, 0, 0, 0, 26, 27, 1, 0, 0, 0, 
	27, 29, 1, 0, 0, 0, 28, 26, 1, 0, 0, 0, 29, 56, 5, 4, 0, 0, 30, 34, 5, 
	5, 0, 0, 31, 33, 3, 2, 1, 0, 32, 31, 1, 0, 0, 0, 33, 36, 1, 0, 0, 0, 34, 
	32, 1, 0, 0, 0, 34, 35, 1, 0, 0, 0, 35, 37, 1, 0, 0, 0, 36, 34, 1, 0, 0, 
	0, 37, 56, 5, 6, 0, 0, 38, 42, 5, 7, 0, 0, 39, 41, 3, 2, 1, 0, 40, 39, 
	1, 0, 0, 0, 41, 44, 1, 0, 0, 0, 42, 40, 1, 0, 0, 0, 42, 43, 1, 0, 0, 0, 
	43, 45, 1, 0, 0, 0, 44, 42, 1, 0, 0, 0, 45, 56, 5, 2, 0, 0, 46, 47, 5, 
	8, 0, 0, 47, 56, 3, 2, 1, 0, 48, 49, 5, 9, 0, 0, 49, 56, 3, 2, 1, 0, 50, 
	51, 5, 10, 0, 0, 51, 56, 3, 2, 1, 0, 52, 53, 5, 11, 0, 0, 53, 56, 3, 2, 
	1, 0, 54, 56, 3, 4, 2, 0, 55, 14, 1, 0, 0, 0, 55, 22, 1, 0, 0, 0, 55, 30, 
	1, 0, 0, 0, 55, 38, 1, 0, 0, 0, 55, 46, 1, 0, 0, 0, 55, 48, 1, 0, 0, 0, 
	55, 50, 1, 0, 0, 0, 55, 52, 1, 0, 0, 0, 55, 54, 1, 0, 0, 0, 56, 3, 1, 0, 
	0, 0, 57, 58, 7, 0, 0, 0, 58, 5, 1, 0, 0, 0, 6, 9, 18, 26, 34, 42, 55,
}
  deserializer := antlr.NewATNDeserializer(nil)
  staticData.atn = deserializer.Deserialize(staticData.serializedATN)
  atn := staticData.atn
  staticData.decisionToDFA = make([]*antlr.DFA, len(atn.DecisionToState))
  decisionToDFA := staticData.decisionToDFA
  for index, state := range atn.DecisionToState {
    decisionToDFA[index] = antlr.NewDFA(state, index)
  }
}

// RTFSParserInit initializes any static state used to implement RTFSParser. By default the
// static state used to implement the parser is lazily initialized during the first call to
// NewRTFSParser(). You can call this function if you wish to initialize the static state ahead
// of time.
func RTFSParserInit() {
  staticData := &RTFSParserStaticData
  staticData.once.Do(rtfsParserInit)
}

// NewRTFSParser produces a new parser instance for the optional input antlr.TokenStream.
func NewRTFSParser(input antlr.TokenStream) *RTFSParser {
	RTFSParserInit()
	this := new(RTFSParser)
	this.BaseParser = antlr.NewBaseParser(input)
  staticData := &RTFSParserStaticData
	this.Interpreter = antlr.NewParserATNSimulator(this, staticData.atn, staticData.decisionToDFA, staticData.PredictionContextCache)
	this.RuleNames = staticData.RuleNames
	this.LiteralNames = staticData.LiteralNames
	this.SymbolicNames = staticData.SymbolicNames
	this.GrammarFileName = "RTFS.g4"

	return this
}


// RTFSParser tokens.
const (
	RTFSParserEOF = antlr.TokenEOF
	RTFSParserLPAREN = 1
	RTFSParserRPAREN = 2
	RTFSParserLBRACKET = 3
	RTFSParserRBRACKET = 4
	RTFSParserLBRACE = 5
	RTFSParserRBRACE = 6
	RTFSParserHASH_PAREN = 7
	RTFSParserBACKTICK = 8
	RTFSParserTILDE_AT = 9
	RTFSParserTILDE = 10
	RTFSParserCARET = 11
	RTFSParserSPECIAL_FLOAT = 12
	RTFSParserTIMESTAMP = 13
	RTFSParserUUID = 14
	RTFSParserRESOURCE = 15
	RTFSParserFLOAT = 16
	RTFSParserINT = 17
	RTFSParserBAD_NUMBER = 18
	RTFSParserKEYWORD = 19
	RTFSParserBAD_KEYWORD = 20
	RTFSParserSYMBOL = 21
	RTFSParserLAMBDA = 22
	RTFSParserCONTEXT_REF = 23
	RTFSParserSTRING = 24
	RTFSParserUNTERMINATED_STRING = 25
	RTFSParserBLOCK_COMMENT = 26
	RTFSParserUNTERMINATED_COMMENT = 27
	RTFSParserLINE_COMMENT = 28
	RTFSParserWS = 29
	RTFSParserERROR_CHAR = 30
)

// RTFSParser rules.
const (
	RTFSParserRULE_file = 0
	RTFSParserRULE_form = 1
	RTFSParserRULE_atom = 2
)

// IFileContext is an interface to support dynamic dispatch.
type IFileContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// Getter signatures
	EOF() antlr.TerminalNode
	AllForm() []IFormContext
	Form(i int) IFormContext

	// IsFileContext differentiates from other interfaces.
	IsFileContext()
}

type FileContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
}

func NewEmptyFileContext() *FileContext {
	var p = new(FileContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = RTFSParserRULE_file
	return p
}

func InitEmptyFileContext(p *FileContext)  {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = RTFSParserRULE_file
}

func (*FileContext) IsFileContext() {}

func NewFileContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *FileContext {
	var p = new(FileContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = RTFSParserRULE_file

	return p
}

func (s *FileContext) GetParser() antlr.Parser { return s.parser }

func (s *FileContext) EOF() antlr.TerminalNode {
	return s.GetToken(RTFSParserEOF, 0)
}

func (s *FileContext) AllForm() []IFormContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IFormContext); ok {
			len++
		}
	}

	tst := make([]IFormContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IFormContext); ok {
			tst[i] = t.(IFormContext)
			i++
		}
	}

	return tst
}

func (s *FileContext) Form(i int) IFormContext {
	var t antlr.RuleContext;
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext);
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}

func (s *FileContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *FileContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}




func (p *RTFSParser) File() (localctx IFileContext) {
	localctx = NewFileContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 0, RTFSParserRULE_file)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	p.SetState(9)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}
	_la = p.GetTokenStream().LA(1)


	for ((int64(_la) & ^0x3f) == 0 && ((int64(1) << _la) & 1275068330) != 0) {
		{
			p.SetState(6)
			p.Form()
		}


		p.SetState(11)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
	    	goto errorExit
	    }
		_la = p.GetTokenStream().LA(1)
	}
	{
		p.SetState(12)
		p.Match(RTFSParserEOF)
		if p.HasError() {
				// Recognition error - abort rule
				goto errorExit
		}
	}



errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	return localctx
	goto errorExit // Trick to prevent compiler error if the label is not used
}


// IFormContext is an interface to support dynamic dispatch.
type IFormContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser
	// IsFormContext differentiates from other interfaces.
	IsFormContext()
}

type FormContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
}

func NewEmptyFormContext() *FormContext {
	var p = new(FormContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = RTFSParserRULE_form
	return p
}

func InitEmptyFormContext(p *FormContext)  {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = RTFSParserRULE_form
}

func (*FormContext) IsFormContext() {}

func NewFormContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *FormContext {
	var p = new(FormContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = RTFSParserRULE_form

	return p
}

func (s *FormContext) GetParser() antlr.Parser { return s.parser }

func (s *FormContext) CopyAll(ctx *FormContext) {
	s.CopyFrom(&ctx.BaseParserRuleContext)
}

func (s *FormContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *FormContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}




type ListContext struct {
	FormContext
}

func NewListContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *ListContext {
	var p = new(ListContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *ListContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *ListContext) LPAREN() antlr.TerminalNode {
	return s.GetToken(RTFSParserLPAREN, 0)
}

func (s *ListContext) RPAREN() antlr.TerminalNode {
	return s.GetToken(RTFSParserRPAREN, 0)
}

func (s *ListContext) AllForm() []IFormContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IFormContext); ok {
			len++
		}
	}

	tst := make([]IFormContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IFormContext); ok {
			tst[i] = t.(IFormContext)
			i++
		}
	}

	return tst
}

func (s *ListContext) Form(i int) IFormContext {
	var t antlr.RuleContext;
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext);
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}



type VectorContext struct {
	FormContext
}

func NewVectorContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *VectorContext {
	var p = new(VectorContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *VectorContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *VectorContext) LBRACKET() antlr.TerminalNode {
	return s.GetToken(RTFSParserLBRACKET, 0)
}

func (s *VectorContext) RBRACKET() antlr.TerminalNode {
	return s.GetToken(RTFSParserRBRACKET, 0)
}

func (s *VectorContext) AllForm() []IFormContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IFormContext); ok {
			len++
		}
	}

	tst := make([]IFormContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IFormContext); ok {
			tst[i] = t.(IFormContext)
			i++
		}
	}

	return tst
}

func (s *VectorContext) Form(i int) IFormContext {
	var t antlr.RuleContext;
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext);
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}



type MapContext struct {
	FormContext
}

func NewMapContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *MapContext {
	var p = new(MapContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *MapContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *MapContext) LBRACE() antlr.TerminalNode {
	return s.GetToken(RTFSParserLBRACE, 0)
}

func (s *MapContext) RBRACE() antlr.TerminalNode {
	return s.GetToken(RTFSParserRBRACE, 0)
}

func (s *MapContext) AllForm() []IFormContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IFormContext); ok {
			len++
		}
	}

	tst := make([]IFormContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IFormContext); ok {
			tst[i] = t.(IFormContext)
			i++
		}
	}

	return tst
}

func (s *MapContext) Form(i int) IFormContext {
	var t antlr.RuleContext;
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext);
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}



type ShortFnContext struct {
	FormContext
}

func NewShortFnContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *ShortFnContext {
	var p = new(ShortFnContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *ShortFnContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *ShortFnContext) HASH_PAREN() antlr.TerminalNode {
	return s.GetToken(RTFSParserHASH_PAREN, 0)
}

func (s *ShortFnContext) RPAREN() antlr.TerminalNode {
	return s.GetToken(RTFSParserRPAREN, 0)
}

func (s *ShortFnContext) AllForm() []IFormContext {
	children := s.GetChildren()
	len := 0
	for _, ctx := range children {
		if _, ok := ctx.(IFormContext); ok {
			len++
		}
	}

	tst := make([]IFormContext, len)
	i := 0
	for _, ctx := range children {
		if t, ok := ctx.(IFormContext); ok {
			tst[i] = t.(IFormContext)
			i++
		}
	}

	return tst
}

func (s *ShortFnContext) Form(i int) IFormContext {
	var t antlr.RuleContext;
	j := 0
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			if j == i {
				t = ctx.(antlr.RuleContext);
				break
			}
			j++
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}



type QuasiquoteContext struct {
	FormContext
}

func NewQuasiquoteContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *QuasiquoteContext {
	var p = new(QuasiquoteContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *QuasiquoteContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *QuasiquoteContext) BACKTICK() antlr.TerminalNode {
	return s.GetToken(RTFSParserBACKTICK, 0)
}

func (s *QuasiquoteContext) Form() IFormContext {
	var t antlr.RuleContext;
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			t = ctx.(antlr.RuleContext);
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}



type SpliceContext struct {
	FormContext
}

func NewSpliceContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *SpliceContext {
	var p = new(SpliceContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *SpliceContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *SpliceContext) TILDE_AT() antlr.TerminalNode {
	return s.GetToken(RTFSParserTILDE_AT, 0)
}

func (s *SpliceContext) Form() IFormContext {
	var t antlr.RuleContext;
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			t = ctx.(antlr.RuleContext);
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}



type UnquoteContext struct {
	FormContext
}

func NewUnquoteContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *UnquoteContext {
	var p = new(UnquoteContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *UnquoteContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *UnquoteContext) TILDE() antlr.TerminalNode {
	return s.GetToken(RTFSParserTILDE, 0)
}

func (s *UnquoteContext) Form() IFormContext {
	var t antlr.RuleContext;
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			t = ctx.(antlr.RuleContext);
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}



type MetaContext struct {
	FormContext
}

func NewMetaContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *MetaContext {
	var p = new(MetaContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *MetaContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *MetaContext) CARET() antlr.TerminalNode {
	return s.GetToken(RTFSParserCARET, 0)
}

func (s *MetaContext) Form() IFormContext {
	var t antlr.RuleContext;
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IFormContext); ok {
			t = ctx.(antlr.RuleContext);
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IFormContext)
}



type AtomFormContext struct {
	FormContext
}

func NewAtomFormContext(parser antlr.Parser, ctx antlr.ParserRuleContext) *AtomFormContext {
	var p = new(AtomFormContext)

	InitEmptyFormContext(&p.FormContext)
	p.parser = parser
	p.CopyAll(ctx.(*FormContext))

	return p
}

func (s *AtomFormContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *AtomFormContext) Atom() IAtomContext {
	var t antlr.RuleContext;
	for _, ctx := range s.GetChildren() {
		if _, ok := ctx.(IAtomContext); ok {
			t = ctx.(antlr.RuleContext);
			break
		}
	}

	if t == nil {
		return nil
	}

	return t.(IAtomContext)
}




func (p *RTFSParser) Form() (localctx IFormContext) {
	localctx = NewFormContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 2, RTFSParserRULE_form)
	var _la int

	p.SetState(55)
	p.GetErrorHandler().Sync(p)
	if p.HasError() {
		goto errorExit
	}

	switch p.GetTokenStream().LA(1) {
	case RTFSParserLPAREN:
		localctx = NewListContext(p, localctx)
		p.EnterOuterAlt(localctx, 1)
		{
			p.SetState(14)
			p.Match(RTFSParserLPAREN)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}
		p.SetState(18)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)


		for ((int64(_la) & ^0x3f) == 0 && ((int64(1) << _la) & 1275068330) != 0) {
			{
				p.SetState(15)
				p.Form()
			}


			p.SetState(20)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
		    	goto errorExit
		    }
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(21)
			p.Match(RTFSParserRPAREN)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}


	case RTFSParserLBRACKET:
		localctx = NewVectorContext(p, localctx)
		p.EnterOuterAlt(localctx, 2)
		{
			p.SetState(22)
			p.Match(RTFSParserLBRACKET)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}
		p.SetState(26)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)


		for ((int64(_la) & ^0x3f) == 0 && ((int64(1) << _la) & 1275068330) != 0) {
			{
				p.SetState(23)
				p.Form()
			}


			p.SetState(28)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
		    	goto errorExit
		    }
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(29)
			p.Match(RTFSParserRBRACKET)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}


	case RTFSParserLBRACE:
		localctx = NewMapContext(p, localctx)
		p.EnterOuterAlt(localctx, 3)
		{
			p.SetState(30)
			p.Match(RTFSParserLBRACE)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}
		p.SetState(34)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)


		for ((int64(_la) & ^0x3f) == 0 && ((int64(1) << _la) & 1275068330) != 0) {
			{
				p.SetState(31)
				p.Form()
			}


			p.SetState(36)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
		    	goto errorExit
		    }
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(37)
			p.Match(RTFSParserRBRACE)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}


	case RTFSParserHASH_PAREN:
		localctx = NewShortFnContext(p, localctx)
		p.EnterOuterAlt(localctx, 4)
		{
			p.SetState(38)
			p.Match(RTFSParserHASH_PAREN)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}
		p.SetState(42)
		p.GetErrorHandler().Sync(p)
		if p.HasError() {
			goto errorExit
		}
		_la = p.GetTokenStream().LA(1)


		for ((int64(_la) & ^0x3f) == 0 && ((int64(1) << _la) & 1275068330) != 0) {
			{
				p.SetState(39)
				p.Form()
			}


			p.SetState(44)
			p.GetErrorHandler().Sync(p)
			if p.HasError() {
		    	goto errorExit
		    }
			_la = p.GetTokenStream().LA(1)
		}
		{
			p.SetState(45)
			p.Match(RTFSParserRPAREN)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}


	case RTFSParserBACKTICK:
		localctx = NewQuasiquoteContext(p, localctx)
		p.EnterOuterAlt(localctx, 5)
		{
			p.SetState(46)
			p.Match(RTFSParserBACKTICK)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}
		{
			p.SetState(47)
			p.Form()
		}


	case RTFSParserTILDE_AT:
		localctx = NewSpliceContext(p, localctx)
		p.EnterOuterAlt(localctx, 6)
		{
			p.SetState(48)
			p.Match(RTFSParserTILDE_AT)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}
		{
			p.SetState(49)
			p.Form()
		}


	case RTFSParserTILDE:
		localctx = NewUnquoteContext(p, localctx)
		p.EnterOuterAlt(localctx, 7)
		{
			p.SetState(50)
			p.Match(RTFSParserTILDE)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}
		{
			p.SetState(51)
			p.Form()
		}


	case RTFSParserCARET:
		localctx = NewMetaContext(p, localctx)
		p.EnterOuterAlt(localctx, 8)
		{
			p.SetState(52)
			p.Match(RTFSParserCARET)
			if p.HasError() {
					// Recognition error - abort rule
					goto errorExit
			}
		}
		{
			p.SetState(53)
			p.Form()
		}


	case RTFSParserSPECIAL_FLOAT, RTFSParserTIMESTAMP, RTFSParserUUID, RTFSParserRESOURCE, RTFSParserFLOAT, RTFSParserINT, RTFSParserBAD_NUMBER, RTFSParserKEYWORD, RTFSParserBAD_KEYWORD, RTFSParserSYMBOL, RTFSParserLAMBDA, RTFSParserCONTEXT_REF, RTFSParserSTRING, RTFSParserUNTERMINATED_STRING, RTFSParserUNTERMINATED_COMMENT, RTFSParserERROR_CHAR:
		localctx = NewAtomFormContext(p, localctx)
		p.EnterOuterAlt(localctx, 9)
		{
			p.SetState(54)
			p.Atom()
		}



	default:
		p.SetError(antlr.NewNoViableAltException(p, nil, nil, nil, nil, nil))
		goto errorExit
	}


errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	return localctx
	goto errorExit // Trick to prevent compiler error if the label is not used
}


// IAtomContext is an interface to support dynamic dispatch.
type IAtomContext interface {
	antlr.ParserRuleContext

	// GetParser returns the parser.
	GetParser() antlr.Parser

	// Getter signatures
	INT() antlr.TerminalNode
	FLOAT() antlr.TerminalNode
	SPECIAL_FLOAT() antlr.TerminalNode
	STRING() antlr.TerminalNode
	TIMESTAMP() antlr.TerminalNode
	UUID() antlr.TerminalNode
	RESOURCE() antlr.TerminalNode
	KEYWORD() antlr.TerminalNode
	SYMBOL() antlr.TerminalNode
	LAMBDA() antlr.TerminalNode
	CONTEXT_REF() antlr.TerminalNode
	BAD_NUMBER() antlr.TerminalNode
	BAD_KEYWORD() antlr.TerminalNode
	UNTERMINATED_STRING() antlr.TerminalNode
	UNTERMINATED_COMMENT() antlr.TerminalNode
	ERROR_CHAR() antlr.TerminalNode

	// IsAtomContext differentiates from other interfaces.
	IsAtomContext()
}

type AtomContext struct {
	antlr.BaseParserRuleContext
	parser antlr.Parser
}

func NewEmptyAtomContext() *AtomContext {
	var p = new(AtomContext)
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = RTFSParserRULE_atom
	return p
}

func InitEmptyAtomContext(p *AtomContext)  {
	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, nil, -1)
	p.RuleIndex = RTFSParserRULE_atom
}

func (*AtomContext) IsAtomContext() {}

func NewAtomContext(parser antlr.Parser, parent antlr.ParserRuleContext, invokingState int) *AtomContext {
	var p = new(AtomContext)

	antlr.InitBaseParserRuleContext(&p.BaseParserRuleContext, parent, invokingState)

	p.parser = parser
	p.RuleIndex = RTFSParserRULE_atom

	return p
}

func (s *AtomContext) GetParser() antlr.Parser { return s.parser }

func (s *AtomContext) INT() antlr.TerminalNode {
	return s.GetToken(RTFSParserINT, 0)
}

func (s *AtomContext) FLOAT() antlr.TerminalNode {
	return s.GetToken(RTFSParserFLOAT, 0)
}

func (s *AtomContext) SPECIAL_FLOAT() antlr.TerminalNode {
	return s.GetToken(RTFSParserSPECIAL_FLOAT, 0)
}

func (s *AtomContext) STRING() antlr.TerminalNode {
	return s.GetToken(RTFSParserSTRING, 0)
}

func (s *AtomContext) TIMESTAMP() antlr.TerminalNode {
	return s.GetToken(RTFSParserTIMESTAMP, 0)
}

func (s *AtomContext) UUID() antlr.TerminalNode {
	return s.GetToken(RTFSParserUUID, 0)
}

func (s *AtomContext) RESOURCE() antlr.TerminalNode {
	return s.GetToken(RTFSParserRESOURCE, 0)
}

func (s *AtomContext) KEYWORD() antlr.TerminalNode {
	return s.GetToken(RTFSParserKEYWORD, 0)
}

func (s *AtomContext) SYMBOL() antlr.TerminalNode {
	return s.GetToken(RTFSParserSYMBOL, 0)
}

func (s *AtomContext) LAMBDA() antlr.TerminalNode {
	return s.GetToken(RTFSParserLAMBDA, 0)
}

func (s *AtomContext) CONTEXT_REF() antlr.TerminalNode {
	return s.GetToken(RTFSParserCONTEXT_REF, 0)
}

func (s *AtomContext) BAD_NUMBER() antlr.TerminalNode {
	return s.GetToken(RTFSParserBAD_NUMBER, 0)
}

func (s *AtomContext) BAD_KEYWORD() antlr.TerminalNode {
	return s.GetToken(RTFSParserBAD_KEYWORD, 0)
}

func (s *AtomContext) UNTERMINATED_STRING() antlr.TerminalNode {
	return s.GetToken(RTFSParserUNTERMINATED_STRING, 0)
}

func (s *AtomContext) UNTERMINATED_COMMENT() antlr.TerminalNode {
	return s.GetToken(RTFSParserUNTERMINATED_COMMENT, 0)
}

func (s *AtomContext) ERROR_CHAR() antlr.TerminalNode {
	return s.GetToken(RTFSParserERROR_CHAR, 0)
}

func (s *AtomContext) GetRuleContext() antlr.RuleContext {
	return s
}

func (s *AtomContext) ToStringTree(ruleNames []string, recog antlr.Recognizer) string {
	return antlr.TreesStringTree(s, ruleNames, recog)
}




func (p *RTFSParser) Atom() (localctx IAtomContext) {
	localctx = NewAtomContext(p, p.GetParserRuleContext(), p.GetState())
	p.EnterRule(localctx, 4, RTFSParserRULE_atom)
	var _la int

	p.EnterOuterAlt(localctx, 1)
	{
		p.SetState(57)
		_la = p.GetTokenStream().LA(1)

		if !(((int64(_la) & ^0x3f) == 0 && ((int64(1) << _la) & 1275064320) != 0)) {
			p.GetErrorHandler().RecoverInline(p)
		} else {
			p.GetErrorHandler().ReportMatch(p)
			p.Consume()
		}
	}



errorExit:
	if p.HasError() {
		v := p.GetError()
		localctx.SetException(v)
		p.GetErrorHandler().ReportError(p, v)
		p.GetErrorHandler().Recover(p, v)
		p.SetError(nil)
	}
	p.ExitRule()
	return localctx
	goto errorExit // Trick to prevent compiler error if the label is not used
}


