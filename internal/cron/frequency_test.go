package cron

import (
	"testing"
	"time"
)

func TestFiresMoreOftenThan(t *testing.T) {
	t.Parallel()
	const five = 5 * time.Minute
	tests := []struct {
		expr string
		d    time.Duration
		want bool
	}{
		{"cron(0/5 * * * ? *)", five, false},
		{"cron(0/5 * * * ? *)", 5*time.Minute + time.Second, true},
		{"cron(*/5 * * * ? *)", five, false},
		{"cron(1/5 * * * ? *)", five, false}, // 56 -> 61 is still 5 minutes
		{"cron(0/4 * * * ? *)", five, true},
		{"cron(0/7 * * * ? *)", five, true}, // 56 -> 60 is 4 minutes
		{"cron(0/7 * * * ? *)", 4 * time.Minute, false},
		{"cron(0,3 * * * ? *)", five, true},
		{"cron(58,2 * * * ? *)", five, true}, // 58 -> 62 across the hour
		{"cron(55,0 * * * ? *)", five, false},
		{"cron(* * * * ? *)", five, true},
		{"cron(* * * * ? *)", time.Minute, false},
		{"cron(0 * * * ? *)", five, false},
		{"cron(0 * * * ? *)", time.Hour, false},
		{"cron(0 * * * ? *)", time.Hour + 1, true},
		{"cron(15 12 * * ? *)", five, false},
		{"cron(15 12 * * ? *)", 24 * time.Hour, false},
		{"cron(15 12 * * ? *)", 25 * time.Hour, true}, // days are assumed adjacent
		{"cron(0/15 * * * ? *)", five, false},
		{"cron(0/10 * ? * MON-FRI *)", five, false},
		{"cron(0/5 8-17 ? * MON-FRI *)", five, false},
		{"cron(0/5 8-17 ? * MON-FRI *)", 6 * time.Minute, true},
		{"cron(0,59 0,23 * * ? *)", five, true}, // 23:59 -> 00:00 across the day
		{"cron(59 23 * * ? *)", five, false},
		{"cron(57 23 ? * 2#1 *)", five, false},
		{"cron(57 0,23 * * ? *)", five, false},
		{"cron(0 0,23 * * ? *)", 59 * time.Minute, false},
		{"cron(0 0,23 * * ? *)", 61 * time.Minute, true}, // 23:00 -> 00:00
		{"cron(0-2 12 * * ? *)", five, true},
		{"cron(0 12 29 2 ? 2028-2032)", five, false},
	}
	for _, tt := range tests {
		t.Run(tt.expr+"/"+tt.d.String(), func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.FiresMoreOftenThan(tt.d); got != tt.want {
				t.Errorf("FiresMoreOftenThan(%v) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}

// TestFiresMoreOftenThanMatchesNext checks the computed minimum gap against
// the gaps between consecutive Next results over two days of every-day
// schedules.
func TestFiresMoreOftenThanMatchesNext(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{
		"cron(0/7 * * * ? *)", "cron(58,2 */5 * * ? *)", "cron(0,59 0,23 * * ? *)",
		"cron(13 3-22/6 * * ? *)", "cron(5-9/2,40 0,1,23 * * ? *)", "cron(30 12 * * ? *)",
	} {
		s, err := Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		gap := 48 * time.Hour
		from := utc(2025, 1, 1, 0, 0)
		prev, _ := s.Next(from)
		for next, _ := s.Next(prev); next.Before(from.AddDate(0, 0, 3)); next, _ = s.Next(next) {
			gap, prev = min(gap, next.Sub(prev)), next
		}
		if s.FiresMoreOftenThan(gap) || !s.FiresMoreOftenThan(gap+1) {
			t.Errorf("%s: observed minimum gap %v disagrees with FiresMoreOftenThan", expr, gap)
		}
	}
}
