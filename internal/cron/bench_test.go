package cron

import "testing"

func BenchmarkParse(b *testing.B) {
	for _, expr := range []string{
		"cron(15 12 * * ? *)",
		"cron(0/5 8-17 ? * MON-FRI *)",
		"cron(1/10,3-7 0-23/6 ? NOV-FEB FRI-MON 2028-2032)",
		"cron(30 6 ? * 3#5 *)",
	} {
		b.Run(expr, func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(expr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNext(b *testing.B) {
	from := utc(2025, 1, 15, 10, 7)
	for _, expr := range []string{
		"cron(* * * * ? *)",
		"cron(15 12 * * ? *)",
		"cron(0/5 8-17 ? * MON-FRI *)",
		"cron(30 6 ? * 3#5 *)",
		"cron(0 0 1W * ? *)",
		"cron(0 0 29 2 ? *)",
		"cron(0 0 1 1 ? 2199)",
		"cron(0 0 30 2 ? *)", // never fires: scans every year up to 2199
	} {
		s, err := Parse(expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(expr, func(b *testing.B) {
			for b.Loop() {
				s.Next(from)
			}
		})
	}
}
