package cron

import (
	"testing"
	"time"
)

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// never marks a Next test case that must report no fire time.
var never = time.Time{}

func TestNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr string
		from, want time.Time
	}{
		// AWS Glue "Time-based schedules for jobs and crawlers" and
		// EventBridge cron examples.
		{"12:15 daily, later today", "cron(15 12 * * ? *)", utc(2025, 1, 15, 10, 0), utc(2025, 1, 15, 12, 15)},
		{"12:15 daily, strictly after", "cron(15 12 * * ? *)", utc(2025, 1, 15, 12, 15), utc(2025, 1, 16, 12, 15)},
		{"12:15 daily, seconds before", "cron(15 12 * * ? *)", time.Date(2025, 1, 15, 12, 14, 59, 999, time.UTC), utc(2025, 1, 15, 12, 15)},
		{"12:15 daily, seconds after", "cron(15 12 * * ? *)", time.Date(2025, 1, 15, 12, 15, 1, 0, time.UTC), utc(2025, 1, 16, 12, 15)},
		{"6 PM Mon-Fri, Friday to Monday", "cron(0 18 ? * MON-FRI *)", utc(2025, 1, 17, 18, 0), utc(2025, 1, 20, 18, 0)},
		{"6 PM Mon-Fri, same day", "cron(0 18 ? * MON-FRI *)", utc(2025, 1, 14, 9, 0), utc(2025, 1, 14, 18, 0)},
		{"8 AM on the 1st", "cron(0 8 1 * ? *)", utc(2025, 1, 1, 8, 0), utc(2025, 2, 1, 8, 0)},
		{"8 AM on the 1st, across year", "cron(0 8 1 * ? *)", utc(2024, 12, 31, 23, 59), utc(2025, 1, 1, 8, 0)},
		{"every 15 minutes", "cron(0/15 * * * ? *)", utc(2025, 1, 15, 10, 7), utc(2025, 1, 15, 10, 15)},
		{"every 15 minutes, new year", "cron(0/15 * * * ? *)", utc(2025, 12, 31, 23, 50), utc(2026, 1, 1, 0, 0)},
		{"every 10 minutes Mon-Fri", "cron(0/10 * ? * MON-FRI *)", utc(2025, 1, 17, 23, 55), utc(2025, 1, 20, 0, 0)},
		{"every 10 minutes Mon-Fri, same hour", "cron(0/10 * ? * MON-FRI *)", utc(2025, 1, 17, 13, 31), utc(2025, 1, 17, 13, 40)},
		{"every 5 minutes office hours, after close", "cron(0/5 8-17 ? * MON-FRI *)", utc(2025, 1, 20, 17, 55), utc(2025, 1, 21, 8, 0)},
		{"every 5 minutes office hours, before open", "cron(0/5 8-17 ? * MON-FRI *)", utc(2025, 1, 20, 7, 59), utc(2025, 1, 20, 8, 0)},
		{"every 5 minutes office hours, last slot", "cron(0/5 8-17 ? * MON-FRI *)", utc(2025, 1, 20, 17, 50), utc(2025, 1, 20, 17, 55)},
		{"every 5 minutes office hours, weekend", "cron(0/5 8-17 ? * MON-FRI *)", utc(2025, 1, 18, 9, 0), utc(2025, 1, 20, 8, 0)},
		{"10 AM daily", "cron(0 10 * * ? *)", utc(2025, 6, 30, 10, 0), utc(2025, 7, 1, 10, 0)},
		{"noon daily", "cron(0 12 * * ? *)", time.Date(2024, 12, 31, 12, 0, 1, 0, time.UTC), utc(2025, 1, 1, 12, 0)},
		{"first Monday 9 AM", "cron(0 9 ? * 2#1 *)", utc(2025, 1, 1, 0, 0), utc(2025, 1, 6, 9, 0)},
		{"first Monday 9 AM, next month", "cron(0 9 ? * 2#1 *)", utc(2025, 1, 6, 9, 0), utc(2025, 2, 3, 9, 0)},
		{"last day, leap February", "cron(0 0 L * ? *)", utc(2024, 2, 1, 0, 0), utc(2024, 2, 29, 0, 0)},
		{"last day, after February", "cron(0 0 L * ? *)", utc(2025, 2, 28, 0, 0), utc(2025, 3, 31, 0, 0)},
		{"last day, 30-day month", "cron(0 0 L * ? *)", utc(2025, 4, 15, 0, 0), utc(2025, 4, 30, 0, 0)},
		{"last Friday", "cron(0 0 ? * 6L *)", utc(2025, 1, 1, 0, 0), utc(2025, 1, 31, 0, 0)},
		{"last Friday, next month", "cron(0 0 ? * 6L *)", utc(2025, 1, 31, 0, 0), utc(2025, 2, 28, 0, 0)},
		{"last Friday by name", "cron(0 0 ? * FRIL *)", utc(2025, 3, 1, 0, 0), utc(2025, 3, 28, 0, 0)},
		{"last weekday, Saturday 31st", "cron(0 0 LW * ? *)", utc(2025, 5, 1, 0, 0), utc(2025, 5, 30, 0, 0)},
		{"last weekday, Sunday 31st", "cron(0 0 LW * ? *)", utc(2025, 8, 1, 0, 0), utc(2025, 8, 29, 0, 0)},
		{"last weekday, weekday 31st", "cron(0 0 LW * ? *)", utc(2025, 3, 1, 0, 0), utc(2025, 3, 31, 0, 0)},
		{"15W on a Sunday", "cron(0 0 15W * ? *)", utc(2025, 6, 1, 0, 0), utc(2025, 6, 16, 0, 0)},
		{"15W on a Saturday", "cron(0 0 15W * ? *)", utc(2025, 2, 1, 0, 0), utc(2025, 2, 14, 0, 0)},
		{"15W on a weekday", "cron(0 0 15W * ? *)", utc(2025, 1, 1, 0, 0), utc(2025, 1, 15, 0, 0)},
		{"1W on a Saturday stays in month", "cron(0 0 1W * ? *)", utc(2025, 2, 28, 12, 0), utc(2025, 3, 3, 0, 0)},
		{"1W on a Sunday", "cron(0 0 1W * ? *)", utc(2025, 5, 2, 0, 0), utc(2025, 6, 2, 0, 0)},
		{"31W on a Sunday", "cron(0 0 31W * ? *)", utc(2025, 8, 1, 0, 0), utc(2025, 8, 29, 0, 0)},
		{"31W on a Saturday", "cron(0 0 31W * ? *)", utc(2025, 5, 1, 0, 0), utc(2025, 5, 30, 0, 0)},
		{"31W skips 30-day April", "cron(0 0 31W * ? *)", utc(2025, 3, 31, 0, 0), utc(2025, 5, 30, 0, 0)},
		{"31W skips February", "cron(0 0 31W * ? *)", utc(2025, 2, 1, 0, 0), utc(2025, 3, 31, 0, 0)},
		{"L day-of-week is Saturday", "cron(0 0 ? * L *)", utc(2025, 1, 1, 0, 0), utc(2025, 1, 4, 0, 0)},
		{"fifth Tuesday", "cron(30 6 ? * 3#5 *)", utc(2025, 1, 1, 0, 0), utc(2025, 4, 29, 6, 30)},
		{"fifth Tuesday, months without one skipped", "cron(30 6 ? * 3#5 *)", utc(2025, 4, 29, 6, 30), utc(2025, 7, 29, 6, 30)},
		{"leap days 2028-2032", "cron(0 12 29 2 ? 2028-2032)", utc(2025, 1, 1, 0, 0), utc(2028, 2, 29, 12, 0)},
		{"leap days 2028-2032, second", "cron(0 12 29 2 ? 2028-2032)", utc(2028, 2, 29, 12, 0), utc(2032, 2, 29, 12, 0)},
		{"leap days 2028-2032, exhausted", "cron(0 12 29 2 ? 2028-2032)", utc(2032, 2, 29, 12, 0), never},
		// Edge cases.
		{"30 February never fires", "cron(0 0 30 2 ? *)", utc(2025, 1, 1, 0, 0), never},
		{"past year never fires", "cron(0 0 1 1 ? 2000)", utc(2025, 1, 1, 0, 0), never},
		{"last possible year", "cron(0 0 1 1 ? 2199)", utc(2025, 1, 1, 0, 0), utc(2199, 1, 1, 0, 0)},
		{"after the last possible minute", "cron(0 0 1 1 ? 2199)", utc(2199, 1, 1, 0, 0), never},
		{"last minute of 2199", "cron(* * * * ? *)", utc(2199, 12, 31, 23, 58), utc(2199, 12, 31, 23, 59)},
		{"beyond 2199", "cron(* * * * ? *)", utc(2199, 12, 31, 23, 59), never},
		{"far future", "cron(* * * * ? *)", utc(9999, 1, 1, 0, 0), never},
		{"before 1970", "cron(0 0 1 1 ? *)", utc(1900, 6, 1, 0, 0), utc(1970, 1, 1, 0, 0)},
		{"just before 1970", "cron(* * * * ? *)", time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), utc(1970, 1, 1, 0, 0)},
		{"leap day every year", "cron(0 0 29 2 ? *)", utc(2025, 3, 1, 0, 0), utc(2028, 2, 29, 0, 0)},
		{"leap day skips 2100", "cron(0 0 29 2 ? *)", utc(2096, 3, 1, 0, 0), utc(2104, 2, 29, 0, 0)},
		{"input in another zone", "cron(0 0 * * ? *)", time.Date(2025, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), utc(2025, 1, 1, 0, 0)},
		{"wrap-around weekdays", "cron(0 0 ? * FRI-MON *)", utc(2025, 1, 14, 0, 0), utc(2025, 1, 17, 0, 0)},
		{"wrap-around weekdays, Saturday to Sunday", "cron(0 0 ? * FRI-MON *)", utc(2025, 1, 18, 0, 0), utc(2025, 1, 19, 0, 0)},
		{"wrap-around months", "cron(0 0 1 NOV-FEB ? *)", utc(2025, 3, 1, 0, 0), utc(2025, 11, 1, 0, 0)},
		{"wrap-around months, across the year", "cron(0 0 1 NOV-FEB ? *)", utc(2025, 12, 1, 0, 0), utc(2026, 1, 1, 0, 0)},
		{"31st skips short months", "cron(0 0 31 * ? *)", utc(2025, 4, 1, 0, 0), utc(2025, 5, 31, 0, 0)},
		{"hour carries into next month", "cron(0 1-2 * * ? *)", utc(2025, 1, 31, 2, 0), utc(2025, 2, 1, 1, 0)},
		{"minute carries into next year", "cron(5 * * * ? *)", utc(2025, 12, 31, 23, 5), utc(2026, 1, 1, 0, 5)},
		{"fifth Sunday of February", "cron(0 0 ? FEB 1#5 *)", utc(2025, 1, 1, 0, 0), utc(2032, 2, 29, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := s.Next(tt.from)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("%s.Next(%v) = %v, %v; want %v", tt.expr, tt.from, got, ok, tt.want)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("Next returned location %v, want UTC", got.Location())
			}
		})
	}
}
