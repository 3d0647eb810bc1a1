package cron

import "fmt"

// Error describes why a cron expression could not be parsed.
type Error struct {
	// Expr is the expression exactly as it was passed to Parse.
	Expr string
	// Field is the name of the offending field ("Minutes", "Hours",
	// "Day-of-month", "Month", "Day-of-week" or "Year"), or empty when the
	// problem concerns the expression as a whole.
	Field string
	// Msg explains what is wrong, without the expression or field prefix.
	Msg string
}

// Error returns a human-readable message that quotes the expression and
// names the offending field, if any.
func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("cron expression %q: %s", e.Expr, e.Msg)
	}
	return fmt.Sprintf("cron expression %q: field %s: %s", e.Expr, e.Field, e.Msg)
}

// fieldError is a field-level problem found before the expression is known;
// Parse wraps it into an *Error.
type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string { return "field " + e.field + ": " + e.msg }

func errorf(field, format string, args ...any) *fieldError {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}
