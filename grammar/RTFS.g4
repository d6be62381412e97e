// RTFS reader grammar: S-expressions plus reader macros. Special forms are
// not recognised here; the compiler does that on the forms this produces, so
// a malformed special form gets a precise message. Tokens follow maximal
// munch (the longest match wins, ties go to the rule listed first), and
// malformed atoms become error tokens that the reader reports with a
// specific error kind instead of a generic syntax error.
grammar RTFS;

file : form* EOF ;

form
    : LPAREN form* RPAREN       # list
    | LBRACKET form* RBRACKET   # vector
    | LBRACE form* RBRACE       # map
    | HASH_PAREN form* RPAREN   # shortFn
    | QUOTE form                # quote
    | BACKTICK form             # quasiquote
    | TILDE_AT form             # splice
    | TILDE form                # unquote
    | CARET form                # meta
    | atom                      # atomForm
    ;

atom
    : INT | FLOAT | SPECIAL_FLOAT | STRING | TIMESTAMP | UUID | RESOURCE
    | KEYWORD | SYMBOL | LAMBDA | CONTEXT_REF
    | BAD_NUMBER | BAD_KEYWORD | UNTERMINATED_STRING | UNTERMINATED_COMMENT | ERROR_CHAR
    ;

LPAREN     : '(' ;
RPAREN     : ')' ;
LBRACKET   : '[' ;
RBRACKET   : ']' ;
LBRACE     : '{' ;
RBRACE     : '}' ;
HASH_PAREN : '#(' ;
QUOTE      : '\'' ;
BACKTICK   : '`' ;
TILDE_AT   : '~@' ;
TILDE      : '~' ;
CARET      : '^' ;

SPECIAL_FLOAT : '##Inf' | '##-Inf' | '##NaN' ;

TIMESTAMP
    : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT
      'T' DIGIT DIGIT ':' DIGIT DIGIT ':' DIGIT DIGIT ('_' DIGIT+)? 'Z'
    ;

UUID
    : HEX HEX HEX HEX HEX HEX HEX HEX '-' HEX HEX HEX HEX '-' HEX HEX HEX HEX
      '-' HEX HEX HEX HEX '-' HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX
    ;

RESOURCE : 'resource://' ~[ \t\r\n,()[\]{}";]* ;

FLOAT : SIGN? DIGIT+ '.' DIGIT+ ([eE] SIGN? DIGIT+)? ;
INT   : SIGN? DIGIT+ ;
// A number running into identifier characters (1e5, 12ab, 5., .5).
BAD_NUMBER : SIGN? DIGIT (SYMBOL_CHAR | ':')* | '.' DIGIT (SYMBOL_CHAR | ':')* ;

KEYWORD     : ':' IDENT ;
BAD_KEYWORD : ':' (SYMBOL_CHAR | ':')* ;

// `resource:ref` is the one symbol with a plain ':' in it (§1).
SYMBOL      : IDENT | '&' | 'resource:ref' ;
LAMBDA      : 'λ' ;
CONTEXT_REF : '@' ':'? IDENT ;

STRING : '"' (~["\\] | '\\' .)* '"' ;
// Never longer than a terminated STRING, so it only wins at end of input.
UNTERMINATED_STRING : '"' (~["\\] | '\\' .)* '\\'? ;

BLOCK_COMMENT : '#|' .*? '|#' -> skip ;
// Stops one short of a closing '|#', so it only wins at end of input.
UNTERMINATED_COMMENT : '#|' (~'|' | '|'+ ~[#|])* '|'* ;
LINE_COMMENT  : ';' ~[\r\n]* -> skip ;
WS            : [ \t\r\n,]+ -> skip ;

ERROR_CHAR : . ;

fragment DIGIT        : [0-9] ;
fragment HEX          : [0-9a-fA-F] ;
fragment SIGN         : [+-] ;
fragment SYMBOL_START : [a-zA-Z_$+\-*/=<>!?%] ;
fragment SYMBOL_CHAR  : SYMBOL_START | DIGIT | '.' | '@' ;
// `ns:vN(.N)*/name` is the only place a ':' may stand inside an identifier.
fragment IDENT
    : (SYMBOL_START | '.' SYMBOL_START) SYMBOL_CHAR*
      (':' 'v' DIGIT+ ('.' DIGIT+)* '/' SYMBOL_CHAR+)?
    ;
