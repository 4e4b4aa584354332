package consultation

import (
	"errors"
	"fmt"
)

// Error codes form the closed set of failure kinds the edge maps to replies.
const (
	EINVALID   = "invalid"   // the input is malformed or out of range
	ENOTFOUND  = "not_found" // the thing named does not exist
	ECONFLICT  = "conflict"  // the action does not fit the current state (wrong phase, already done)
	EFORBIDDEN = "forbidden" // the actor may not do this
	EINTERNAL  = "internal"  // anything else; logged, never shown in detail
)

// Error is a domain failure: a code from the closed set, a stable key naming
// the situation (the chat layer translates it), arguments for the message,
// and an English message for logs and tests.
type Error struct {
	Code    string
	Key     string
	Args    []any
	Message string
}

// Error returns the English message.
func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return e.Key
}

// Errorf returns an *Error with the given code and key, and an English
// message built from format and args. Args are kept for translation.
func Errorf(code, key, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err's first *Error, or EINTERNAL when err is
// not nil and carries none, or "" when err is nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorKey returns the key of err's first *Error, or "" when there is none.
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// IsNotFound reports whether err is an ENOTFOUND domain error.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
