package cron

import (
	"fmt"
	"strconv"
	"strings"
)

// Year bounds accepted by the Year field.
const (
	minYear = 1970
	maxYear = 2199
)

// fieldSpec describes the values accepted by one field.
type fieldSpec struct {
	name     string
	min, max int
	names    []string // names[i] stands for value min+i
	wrap     bool     // descending ranges wrap around
	base     int      // value stored at bit 0 of the parsed bitset
}

var (
	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
		"JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

var (
	minuteSpec = fieldSpec{name: "Minutes", min: 0, max: 59}
	hourSpec   = fieldSpec{name: "Hours", min: 0, max: 23}
	domSpec    = fieldSpec{name: "Day-of-month", min: 1, max: 31}
	monthSpec  = fieldSpec{name: "Month", min: 1, max: 12, names: monthNames, wrap: true}
	dowSpec    = fieldSpec{name: "Day-of-week", min: 1, max: 7, names: dayNames, wrap: true}
	yearSpec   = fieldSpec{name: "Year", min: minYear, max: maxYear, base: minYear}
)

// span is the number of values of the field.
func (f *fieldSpec) span() int { return f.max - f.min + 1 }

// valid describes the accepted values, e.g. "1-12 or JAN-DEC".
func (f *fieldSpec) valid() string {
	s := fmt.Sprintf("%d-%d", f.min, f.max)
	if f.names != nil {
		s += " or " + f.names[0] + "-" + f.names[len(f.names)-1]
	}
	return s
}

// value parses a single number or name (tok is already upper case).
func (f *fieldSpec) value(tok string) (int, *fieldError) {
	if tok == "" {
		return 0, errorf(f.name, "missing value")
	}
	if isDigits(tok) {
		n, err := strconv.Atoi(tok)
		if err == nil && n >= f.min && n <= f.max {
			return n, nil
		}
		if f.names == nil {
			return 0, errorf(f.name, "value %s out of range %s", tok, f.valid())
		}
	}
	for i, name := range f.names {
		if tok == name {
			return f.min + i, nil
		}
	}
	return 0, errorf(f.name, "%q is not a valid value (%s)", tok, f.valid())
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseList parses the ordinary form of a field: a comma-separated list
// of "*", values, ranges and steps.
func (f *fieldSpec) parseList(text string) (bitset, *fieldError) {
	var set bitset
	for _, elem := range strings.Split(text, ",") {
		if err := f.parseElement(elem, &set); err != nil {
			return bitset{}, err
		}
	}
	return set, nil
}

// parseElement adds the values selected by one list element to set.
func (f *fieldSpec) parseElement(elem string, set *bitset) *fieldError {
	if elem == "" {
		return errorf(f.name, "empty element in list")
	}
	base, stepText, hasStep := strings.Cut(elem, "/")
	step := 1
	if hasStep {
		var err *fieldError
		if step, err = f.step(stepText); err != nil {
			return err
		}
	}
	lo, hi, err := f.bounds(base, hasStep)
	if err != nil {
		return err
	}
	f.fill(set, lo, hi, step)
	return nil
}

// step parses the increment after "/".
func (f *fieldSpec) step(text string) (int, *fieldError) {
	if !isDigits(text) {
		return 0, errorf(f.name, "step %q is not a number", text)
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > f.span() {
		return 0, errorf(f.name, "step %s out of range 1-%d", text, f.span())
	}
	return n, nil
}

// bounds parses "*", "a" or "a-b". A single value followed by a step
// extends to the field maximum.
func (f *fieldSpec) bounds(base string, hasStep bool) (int, int, *fieldError) {
	if base == "*" {
		return f.min, f.max, nil
	}
	first, last, isRange := strings.Cut(base, "-")
	if isRange && (first == "" || last == "") {
		return 0, 0, errorf(f.name, "%q is not a valid range", base)
	}
	lo, err := f.value(first)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		if hasStep {
			return lo, f.max, nil
		}
		return lo, lo, nil
	}
	hi, err := f.value(last)
	if err != nil {
		return 0, 0, err
	}
	if lo > hi && !f.wrap {
		return 0, 0, errorf(f.name, "range %s is descending; the start must not be after the end", base)
	}
	return lo, hi, nil
}

// fill sets every step-th value from lo to hi, wrapping past the field
// maximum when lo > hi.
func (f *fieldSpec) fill(set *bitset, lo, hi, step int) {
	count := hi - lo + 1
	if count <= 0 {
		count += f.span()
	}
	for i := 0; i < count; i += step {
		v := lo + i
		if v > f.max {
			v -= f.span()
		}
		set.set(v - f.base)
	}
}
