package cron

import (
	"strconv"
	"strings"
	"time"
)

// dayKind selects how a dayRule picks the days of a month.
type dayKind uint8

const (
	byMonthDay         dayKind = iota // set holds days of the month (bits 1-31)
	byWeekday                         // set holds weekdays (bits 1-7, 1 = Sunday)
	lastDay                           // "L" in Day-of-month
	lastWeekdayOfMonth                // "LW" in Day-of-month
	nearestWeekday                    // "nW": arg is the day of the month
	lastOfWeekday                     // "nL": arg is the weekday (0 = Sunday)
	nthWeekday                        // "n#k": arg is the weekday (0 = Sunday), nth is k
)

// dayRule is the combined meaning of the Day-of-month and Day-of-week
// fields; exactly one of them is "?", so one rule suffices.
type dayRule struct {
	kind dayKind
	set  uint64
	arg  int
	nth  int
}

// questionMark reports whether text is "?", rejecting "?" mixed with
// anything else.
func questionMark(f *fieldSpec, text string) (bool, *fieldError) {
	if text == "?" {
		return true, nil
	}
	if strings.Contains(text, "?") {
		return false, errorf(f.name, `"?" must be the whole field, got %q`, text)
	}
	return false, nil
}

func checkExclusive(domAny, dowAny bool) *fieldError {
	switch {
	case domAny && dowAny:
		return errorf("", `day-of-month and day-of-week cannot both be "?"; exactly one of them must be "?"`)
	case !domAny && !dowAny:
		return errorf("", `day-of-month and day-of-week cannot both be specified; one of them must be "?"`)
	}
	return nil
}

// parseDayOfMonth parses a Day-of-month field other than "?".
func parseDayOfMonth(text string) (dayRule, *fieldError) {
	switch {
	case text == "L":
		return dayRule{kind: lastDay}, nil
	case text == "LW":
		return dayRule{kind: lastWeekdayOfMonth}, nil
	case strings.HasPrefix(text, "L-"):
		return dayRule{}, errorf(domSpec.name, "%q (an offset from the last day of the month) is not supported", text)
	case !strings.ContainsAny(text, "LW"):
		set, err := domSpec.parseList(text)
		return dayRule{kind: byMonthDay, set: set[0]}, err
	case strings.ContainsAny(text, ",-/*"):
		return dayRule{}, errorf(domSpec.name, `"L" and "W" cannot be combined with lists, ranges or steps, got %q`, text)
	case strings.HasSuffix(text, "W") && len(text) > 1:
		day, err := domSpec.value(text[:len(text)-1])
		return dayRule{kind: nearestWeekday, arg: day}, err
	}
	return dayRule{}, errorf(domSpec.name, "%q is not a valid value (1-31, L, LW or a day followed by W such as 15W)", text)
}

// parseDayOfWeek parses a Day-of-week field other than "?".
func parseDayOfWeek(text string) (dayRule, *fieldError) {
	if !strings.ContainsAny(text, "L#") {
		set, err := dowSpec.parseList(text)
		return dayRule{kind: byWeekday, set: set[0]}, err
	}
	switch {
	case strings.ContainsAny(text, ",-/*"):
		return dayRule{}, errorf(dowSpec.name, `"L" and "#" cannot be combined with lists, ranges or steps, got %q`, text)
	case text == "L":
		return dayRule{kind: byWeekday, set: 1 << 7}, nil
	case strings.Contains(text, "#"):
		return parseNth(text)
	case strings.HasSuffix(text, "L"):
		day, err := dowSpec.value(text[:len(text)-1])
		return dayRule{kind: lastOfWeekday, arg: day - 1}, err
	}
	return dayRule{}, errorf(dowSpec.name, "%q is not a valid value (%s, L, nL or n#k)", text, dowSpec.valid())
}

// parseNth parses "n#k", the k-th weekday n of the month.
func parseNth(text string) (dayRule, *fieldError) {
	if strings.Count(text, "#") > 1 {
		return dayRule{}, errorf(dowSpec.name, `only one "#" expression is allowed, got %q`, text)
	}
	weekday, week, _ := strings.Cut(text, "#")
	day, err := dowSpec.value(weekday)
	if err != nil {
		return dayRule{}, err
	}
	k, convErr := strconv.Atoi(week)
	if !isDigits(week) || convErr != nil || k < 1 || k > 5 {
		return dayRule{}, errorf(dowSpec.name, "week number %q in %q out of range 1-5", week, text)
	}
	return dayRule{kind: nthWeekday, arg: day - 1, nth: k}, nil
}

// mask returns the days of the given month selected by the rule, as bits
// 1-31.
func (r *dayRule) mask(year, month int) uint64 {
	first := int(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC).Weekday())
	last := daysIn(year, month)
	switch r.kind {
	case byMonthDay:
		return r.set & (1<<uint(last+1) - 1)
	case byWeekday:
		return weekdayMask(r.set, first, last)
	case lastDay:
		return 1 << uint(last)
	case lastWeekdayOfMonth:
		return 1 << uint(lastWeekday(first, last))
	case nearestWeekday:
		return nearestWeekdayMask(r.arg, first, last)
	case lastOfWeekday:
		return 1 << uint(last-(weekdayOf(first, last)-r.arg+7)%7)
	}
	return nthWeekdayMask(r.arg, r.nth, first, last)
}

// daysIn returns the number of days of the month.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// weekdayOf returns the weekday (0 = Sunday) of day d of a month whose
// first day falls on weekday first.
func weekdayOf(first, d int) int { return (first + d - 1) % 7 }

// weekdayMask selects the days whose weekday w has bit w+1 set in set.
func weekdayMask(set uint64, first, last int) uint64 {
	var mask uint64
	for d := 1; d <= last; d++ {
		if set&(1<<uint(weekdayOf(first, d)+1)) != 0 {
			mask |= 1 << uint(d)
		}
	}
	return mask
}

// lastWeekday returns the last Monday-to-Friday day of the month.
func lastWeekday(first, last int) int {
	switch weekdayOf(first, last) {
	case 6:
		return last - 1
	case 0:
		return last - 2
	}
	return last
}

// nearestWeekdayMask selects the weekday nearest to day, staying within
// the month; months without that day select nothing.
func nearestWeekdayMask(day, first, last int) uint64 {
	if day > last {
		return 0
	}
	switch weekdayOf(first, day) {
	case 6: // Saturday: Friday before, or Monday after on the 1st.
		if day == 1 {
			return 1 << 3
		}
		day--
	case 0: // Sunday: Monday after, or Friday before on the last day.
		if day == last {
			return 1 << uint(day-2)
		}
		day++
	}
	return 1 << uint(day)
}

// nthWeekdayMask selects the nth occurrence of weekday in the month.
func nthWeekdayMask(weekday, nth, first, last int) uint64 {
	day := 1 + (weekday-first+7)%7 + 7*(nth-1)
	if day > last {
		return 0
	}
	return 1 << uint(day)
}
