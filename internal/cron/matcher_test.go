package cron

import "time"

// This file holds a brute-force reference for Next. It reads the parsed
// fields directly and evaluates each special day rule by its definition,
// sharing no code with the skipping search of next.go or the month masks of
// day.go.

// matches reports whether t is a fire time of s.
func matches(s *Schedule, t time.Time) bool {
	if t.Location() != time.UTC || t.Second() != 0 || t.Nanosecond() != 0 {
		return false
	}
	return dateMatches(s, t) && clockMatches(s, t.Hour(), t.Minute())
}

// clockMatches reports whether the hour and minute fields accept h:m.
func clockMatches(s *Schedule, h, m int) bool {
	return s.hours&(1<<uint(h)) != 0 && s.minutes&(1<<uint(m)) != 0
}

// dateMatches reports whether the year, month and day fields accept the
// date of t.
func dateMatches(s *Schedule, t time.Time) bool {
	return s.years.has(t.Year()-minYear) && s.months&(1<<uint(t.Month())) != 0 &&
		dayMatches(s.days, t)
}

// dayMatches evaluates a day rule on the date of t.
func dayMatches(r dayRule, t time.Time) bool {
	d, wd := t.Day(), int(t.Weekday())
	monthLen := time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	switch r.kind {
	case byMonthDay:
		return r.set&(1<<uint(d)) != 0
	case byWeekday:
		return r.set&(1<<uint(wd+1)) != 0
	case lastDay:
		return d == monthLen
	case lastWeekdayOfMonth:
		return isWeekday(wd) && !weekdayAfter(t, monthLen)
	case nearestWeekday:
		return r.arg <= monthLen && d == nearestWeekdayTo(t, r.arg, monthLen)
	case lastOfWeekday:
		return wd == r.arg && d+7 > monthLen
	case nthWeekday:
		return wd == r.arg && (d-1)/7+1 == r.nth
	}
	panic("unknown day rule")
}

func isWeekday(wd int) bool { return wd >= int(time.Monday) && wd <= int(time.Friday) }

// weekdayAfter reports whether a Monday-to-Friday day follows t in its month.
func weekdayAfter(t time.Time, monthLen int) bool {
	for d := t.Day() + 1; d <= monthLen; d++ {
		if isWeekday(int(t.AddDate(0, 0, d-t.Day()).Weekday())) {
			return true
		}
	}
	return false
}

// nearestWeekdayTo returns the Monday-to-Friday day of t's month closest to
// day target (ties cannot happen).
func nearestWeekdayTo(t time.Time, target, monthLen int) int {
	best := -1
	for d := 1; d <= monthLen; d++ {
		wd := int(t.AddDate(0, 0, d-t.Day()).Weekday())
		if isWeekday(wd) && (best < 0 || abs(d-target) < abs(best-target)) {
			best = d
		}
	}
	return best
}

func abs(x int) int { return max(x, -x) }

// bruteNext returns the first fire time strictly after from and before
// limit, trying every minute of every day whose date matches.
func bruteNext(s *Schedule, from, limit time.Time) (time.Time, bool) {
	from = from.UTC()
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	for ; day.Before(limit); day = day.AddDate(0, 0, 1) {
		if !dateMatches(s, day) {
			continue
		}
		for m := 0; m < 24*60; m++ {
			c := day.Add(time.Duration(m) * time.Minute)
			if c.After(from) && c.Before(limit) && clockMatches(s, m/60, m%60) {
				return c, true
			}
		}
	}
	return time.Time{}, false
}
