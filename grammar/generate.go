// Package grammar holds the ANTLR 4 grammar of RTFS (RTFS.g4) and the Go
// lexer and parser generated from it; `make grammar` regenerates them.
package grammar

//go:generate npx --yes antlr-ng@1.0.10 -Dlanguage=Go -p grammar -o . --generate-listener false RTFS.g4
