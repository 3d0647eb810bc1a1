package cron

import (
	"strings"
	"time"
)

// Schedule is a parsed cron expression. A Schedule is immutable and safe
// for concurrent use.
type Schedule struct {
	expr    string
	minutes uint64 // bits 0-59
	hours   uint64 // bits 0-23
	months  uint64 // bits 1-12
	years   bitset // bit i is year 1970+i
	days    dayRule
}

// Parse parses an expression of the form "cron(Minutes Hours Day-of-month
// Month Day-of-week Year)". The "cron(" wrapper and closing parenthesis are
// required; whitespace around the expression and between fields is
// ignored. Any problem is reported as an *Error.
func Parse(expr string) (*Schedule, error) {
	fields, err := splitFields(expr)
	if err == nil {
		var s *Schedule
		if s, err = parseFields(fields); err == nil {
			return s, nil
		}
	}
	return nil, &Error{Expr: expr, Field: err.field, Msg: err.msg}
}

// splitFields strips the cron( ) wrapper and returns the six upper-cased
// fields.
func splitFields(expr string) ([]string, *fieldError) {
	body, ok := strings.CutPrefix(strings.TrimSpace(expr), "cron(")
	if !ok {
		return nil, errorf("", `missing "cron(" wrapper; expected cron(Minutes Hours Day-of-month Month Day-of-week Year)`)
	}
	body, ok = strings.CutSuffix(body, ")")
	if !ok {
		return nil, errorf("", `missing closing ")"`)
	}
	fields := strings.Fields(asciiUpper(body))
	if len(fields) != 6 {
		return nil, errorf("", "expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got %d", len(fields))
	}
	return fields, nil
}

// asciiUpper upper-cases ASCII letters only, so that no other character
// (such as the long s, whose upper case is "S") can turn into a name.
func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// parseFields parses the six fields into a Schedule, reporting the first
// invalid field in field order.
func parseFields(f []string) (*Schedule, *fieldError) {
	var p fieldParser
	s := &Schedule{expr: "cron(" + strings.Join(f, " ") + ")"}
	s.minutes = p.simple(&minuteSpec, f[0])[0]
	s.hours = p.simple(&hourSpec, f[1])[0]
	dom, domAny := p.day(&domSpec, parseDayOfMonth, f[2])
	s.months = p.simple(&monthSpec, f[3])[0]
	dow, dowAny := p.day(&dowSpec, parseDayOfWeek, f[4])
	s.years = p.simple(&yearSpec, f[5])
	if p.err == nil {
		p.err = checkExclusive(domAny, dowAny)
	}
	if s.days = dom; domAny {
		s.days = dow
	}
	return s, p.err
}

// fieldParser parses fields one after the other, remembering the first
// error and skipping the remaining fields once one has failed.
type fieldParser struct {
	err *fieldError
}

// simple parses a field that allows only lists, ranges and steps.
func (p *fieldParser) simple(f *fieldSpec, text string) bitset {
	if p.err != nil {
		return bitset{}
	}
	if strings.Contains(text, "?") {
		p.err = errorf(f.name, `"?" is only allowed in Day-of-month and Day-of-week`)
		return bitset{}
	}
	set, err := f.parseList(text)
	p.err = err
	return set
}

// day parses a day field with parse unless it is "?", which it reports.
func (p *fieldParser) day(f *fieldSpec, parse func(string) (dayRule, *fieldError), text string) (dayRule, bool) {
	if p.err != nil {
		return dayRule{}, false
	}
	var rule dayRule
	isAny, err := questionMark(f, text)
	if err == nil && !isAny {
		rule, err = parse(text)
	}
	p.err = err
	return rule, isAny
}

// String returns the normalized expression: the cron( ) wrapper, fields
// upper-cased and separated by single spaces.
func (s *Schedule) String() string { return s.expr }

// FiresMoreOftenThan reports whether two consecutive fire times of the
// schedule can be less than d apart. Gaps between the minutes and hours of
// one day, and from the last fire time of a day to the first of the next,
// are computed exactly; the day, month and year fields are assumed to allow
// firing on consecutive days, so the answer errs on the side of "true".
func (s *Schedule) FiresMoreOftenThan(d time.Duration) bool {
	return s.minGap() < d
}

// minGap returns the smallest distance between consecutive fire times,
// assuming every day fires.
func (s *Schedule) minGap() time.Duration {
	const day = 24 * 60
	first, prev, gap := -1, -1, day
	for h := 0; h < 24; h++ {
		for m := 0; m < 60 && s.hours&(1<<uint(h)) != 0; m++ {
			if s.minutes&(1<<uint(m)) == 0 {
				continue
			}
			if now := h*60 + m; prev < 0 {
				first, prev = now, now
			} else {
				gap, prev = min(gap, now-prev), now
			}
		}
	}
	gap = min(gap, day-prev+first)
	return time.Duration(gap) * time.Minute
}
