package cron

import "time"

// cursor is a candidate fire time. Fields may temporarily overflow (month
// 13, day 32, hour 24, minute 60); the next settle step carries them.
type cursor struct {
	year, month, day, hour, minute int
}

func (c *cursor) time() time.Time {
	return time.Date(c.year, time.Month(c.month), c.day, c.hour, c.minute, 0, 0, time.UTC)
}

// Next returns the first fire time strictly after t. The search is done in
// UTC on whole minutes, so seconds and fractions of t are ignored beyond
// making the minute of t itself ineligible. It returns the zero time and
// false when the schedule does not fire after t up to the end of year 2199.
func (s *Schedule) Next(t time.Time) (time.Time, bool) {
	c, ok := start(t.UTC())
	for ok && c.year <= maxYear {
		if s.settle(&c) {
			return c.time(), true
		}
	}
	return time.Time{}, false
}

// start returns the first minute after t that could be a fire time.
func start(t time.Time) (cursor, bool) {
	switch {
	case t.Year() > maxYear:
		return cursor{}, false
	case t.Year() < minYear:
		return cursor{year: minYear, month: 1, day: 1}, true
	}
	t = t.Truncate(time.Minute).Add(time.Minute)
	return cursor{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute()}, true
}

// settle moves c forward to the earliest matching value of each field from
// the year down. It returns true when c is a fire time, and false when a
// field had no match left and c was carried into the next larger unit, so
// the search must start over.
func (s *Schedule) settle(c *cursor) bool {
	return s.settleYear(c) && s.settleMonth(c) && s.settleDay(c) &&
		s.settleHour(c) && s.settleMinute(c)
}

func (s *Schedule) settleYear(c *cursor) bool {
	i, ok := s.years.next(c.year - minYear)
	if !ok {
		c.year = maxYear + 1
		return false
	}
	if y := minYear + i; y != c.year {
		*c = cursor{year: y, month: 1, day: 1}
	}
	return true
}

func (s *Schedule) settleMonth(c *cursor) bool {
	m, ok := nextBit(s.months, c.month)
	if !ok {
		*c = cursor{year: c.year + 1, month: 1, day: 1}
		return false
	}
	if m != c.month {
		*c = cursor{year: c.year, month: m, day: 1}
	}
	return true
}

func (s *Schedule) settleDay(c *cursor) bool {
	d, ok := nextBit(s.days.mask(c.year, c.month), c.day)
	if !ok {
		*c = cursor{year: c.year, month: c.month + 1, day: 1}
		return false
	}
	if d != c.day {
		*c = cursor{year: c.year, month: c.month, day: d}
	}
	return true
}

func (s *Schedule) settleHour(c *cursor) bool {
	h, ok := nextBit(s.hours, c.hour)
	if !ok {
		*c = cursor{year: c.year, month: c.month, day: c.day + 1}
		return false
	}
	if h != c.hour {
		c.hour, c.minute = h, 0
	}
	return true
}

func (s *Schedule) settleMinute(c *cursor) bool {
	m, ok := nextBit(s.minutes, c.minute)
	if !ok {
		c.hour, c.minute = c.hour+1, 0
		return false
	}
	c.minute = m
	return true
}
