#!/bin/sh
# Capability example.text.shout: the call's arguments arrive on stdin as a
# JSON array holding one string, e.g. ["hello"]; the result goes to stdout
# as JSON, e.g. "HELLO".
sed -e 's/^\[//' -e 's/\]$//' | tr '[:lower:]' '[:upper:]'
